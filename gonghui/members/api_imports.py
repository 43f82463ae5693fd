"""API for member imports (stub: to be written)."""

from ninja import Router

router = Router(tags=["imports"])
