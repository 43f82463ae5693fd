"""The short number a worker quotes for a request (RQ + the day it came in + that day's
sequence): given when the request is first saved, unique, read back as people type it."""

import datetime
import unicodedata

from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone

from gonghui.rights.models import Request

NUMBER_PREFIX = "RQ"
NUMBER_ATTEMPTS = 10


def number_prefix(day: datetime.date) -> str:
    return f"{NUMBER_PREFIX}{day:%Y%m%d}"


def next_number(day: datetime.date) -> str:
    """The next free number of that day: RQ + yyyymmdd + a sequence of at least four digits
    (RQ202506010001, …, RQ202506019999, RQ2025060110000). Read as a range on the unique index
    (no LIKE: any collation orders these ASCII prefixes the same way); the longest, then the
    highest, is the last given."""
    prefix = number_prefix(day)
    last = (
        Request.objects.filter(number__gte=prefix, number__lt=number_prefix(day + datetime.timedelta(days=1)))
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def normalise_number(value) -> str:
    """What a worker types: spaces and dashes dropped, letters upper-cased (rq 20250601-0007)."""
    text = "" if value is None else str(value)
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch not in " -_").upper()


def insert_numbered(req: Request) -> None:
    """Save a new request with the next number of the day it came in. Two filings at once may
    pick the same number: the unique index refuses the second, which takes the next one
    (in a savepoint, so the surrounding transaction goes on)."""
    day = timezone.localdate(req.submitted_at)
    for _attempt in range(NUMBER_ATTEMPTS):
        req.number = next_number(day)
        try:
            with transaction.atomic():
                req.save(force_insert=True)
            return
        except IntegrityError:
            if not Request.objects.filter(number=req.number).exists():
                raise  # another constraint: not a clash of numbers
    raise IntegrityError(f"no free request number for {day} after {NUMBER_ATTEMPTS} attempts")
