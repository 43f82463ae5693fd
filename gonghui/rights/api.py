"""API of the rights app (mounted in config/api.py)."""

from ninja import Router

router = Router(tags=["rights"])
