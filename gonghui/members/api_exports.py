"""API for member exports (stub: to be written)."""

from ninja import Router

router = Router(tags=["exports"])
