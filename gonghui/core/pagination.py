"""The one home of page numbers, for pages and the API: ``page`` from 1, ``page_size`` default
20, at most 100.

The API is strict (:func:`parse`: a page number that is not one is a 400 ``bad_page``); a page
is forgiving (:func:`page_of`, through ``core.web.paginate``: whatever is in ``?page=`` gives a
page — a person's typo or an old link should land on a list, not an error).
"""

import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Deep paging past ten million rows is refused: it is never what a person wants and the
# offset would overflow the database's integer types.
MAX_OFFSET = 10_000_000


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def parse(page: object = None, page_size: object = None) -> PageRequest:
    """The API's ``page`` and ``page_size`` query parameters, checked (``bad_page``)."""
    try:
        p = int(page) if page not in (None, "") else 1
        s = int(page_size) if page_size not in (None, "") else DEFAULT_PAGE_SIZE
    except (TypeError, ValueError):
        raise ValidationError(_("page and page_size must be whole numbers."), code="bad_page") from None
    if p < 1:
        raise ValidationError(_("page starts at 1."), code="bad_page")
    if not 1 <= s <= MAX_PAGE_SIZE:
        raise ValidationError(
            _("page_size must be between 1 and %(max)d.") % {"max": MAX_PAGE_SIZE}, code="bad_page"
        )
    if (p - 1) * s > MAX_OFFSET:
        raise ValidationError(_("page is too large."), code="bad_page")
    return PageRequest(p, s)


def slice_queryset(qs, request: PageRequest):
    """Return (items, count) for one page."""
    count = qs.count()
    items = list(qs[request.offset : request.offset + request.page_size])
    return items, count


# ---- pages -----------------------------------------------------------------------------


@dataclass
class PageOf:
    """One page of a list, for ``_pager.html``."""

    items: list
    count: int
    number: int
    page_size: int
    rows: list = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


def _whole_number(value) -> int:
    """``?page=`` as a whole number; anything else (missing, ``abc``, ``1.5``) is page 1."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 1


def page_of(queryset, requested=None, page_size: int = DEFAULT_PAGE_SIZE) -> PageOf:
    """The page ``requested`` (as it came in the query string): a number below 1 or not a
    number gives the first page, one past the end the last. The number is clamped before the
    queryset is sliced, so a huge one never reaches the database as an out-of-range offset."""
    count = queryset.count()
    last = max(1, math.ceil(count / page_size))
    number = min(max(_whole_number(requested), 1), last)
    offset = (number - 1) * page_size
    return PageOf(
        items=list(queryset[offset : offset + page_size]), count=count, number=number, page_size=page_size
    )
