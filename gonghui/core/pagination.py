"""One pagination rule for pages and API: ``page`` from 1, ``page_size`` default 20, at most 100."""

from dataclasses import dataclass

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
