"""Application-generated primary keys (ADR 0004): UUIDv7 — time-ordered, so B-tree inserts stay
local, yet not enumerable in URLs and safe to merge across provincial deployments."""

import uuid

from uuid6 import uuid7


def new_id() -> uuid.UUID:
    return uuid.UUID(bytes=uuid7().bytes)
