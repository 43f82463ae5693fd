"""API of the assistance app (mounted in config/api.py)."""

from ninja import Router

router = Router(tags=["assistance"])
