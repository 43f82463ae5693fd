"""View plumbing shared by every app's pages (docs/dev/architecture.md): the sign-in decorator
factory, htmx fragment detection, pagination of lists (the page numbers themselves are
``core.pagination``'s), safe ``next=`` redirects, action tables, and :func:`form_action` — the
one place where a service's ``ValidationError`` becomes form errors or messages for the person
at the screen.

``core`` imports no other app: who counts as an officer is decided by
``organisations.permissions.officer_required``, built here with :func:`requires`.
"""

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from gonghui.core import pagination
from gonghui.core.forms import add_service_error

# ---- who may open a page -------------------------------------------------------------------


def requires(predicate: Callable[[object], bool]):
    """A view decorator: signed in (else the sign-in page) and ``predicate(user)`` true (else
    403). ``organisations.permissions.officer_required = requires(<holds an officer role>)``."""

    def decorator(view):
        @login_required
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# ---- htmx ----------------------------------------------------------------------------------


def is_fragment_request(request, target: str) -> bool:
    """An htmx request that swaps only the element ``target`` (not a history restore, which
    needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and htmx.target == target and not htmx.history_restore_request


# ---- lists ---------------------------------------------------------------------------------


def paginate(
    request, queryset, page_size: int = pagination.DEFAULT_PAGE_SIZE, param: str = "page"
) -> pagination.PageOf:
    """The page of ``queryset`` asked for in ``?page=`` (``param``), forgiving as pages are:
    see :func:`gonghui.core.pagination.page_of`."""
    return pagination.page_of(queryset, request.GET.get(param), page_size)


# ---- redirects -----------------------------------------------------------------------------


def next_or(request, default: str) -> str:
    """The ``next`` of the form or query when it stays on this site, else ``default`` (an open
    redirect would let a link on our domain send people anywhere)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# ---- actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What :func:`form_action` did: ``ok`` when the service ran without a ValidationError;
    ``result`` is what it returned."""

    ok: bool
    result: object = None


def form_action(
    request,
    call: Callable,
    *,
    form: django_forms.BaseForm | None = None,
    success: str | Callable[[object], str] | None = None,
    fields_by_code: Mapping[str, str] | None = None,
) -> Outcome:
    """Run one service call for a page, the same way on every page:

    - with a ``form``: nothing runs unless it is valid; then ``call(form.cleaned_data)``, and a
      ``ValidationError`` from the service goes onto the form (next to its field; a code may
      point at a field through ``fields_by_code``), for the page to render again with 400;
    - without a form: ``call()``, and a ``ValidationError`` becomes error messages (for a
      button that posts and redirects back);
    - on success, ``success`` (if given) is shown as a message: a text, or a function of what
      the service returned (``lambda org: _("%(name)s is added.") % {"name": org.name}``).

    This is the only place a service's ValidationError becomes something a person reads on a
    page. PermissionDenied and Http404 pass through to Django's 403/404 handling."""
    if form is not None and not form.is_valid():
        return Outcome(False)
    try:
        result = call(form.cleaned_data) if form is not None else call()
    except ValidationError as exc:
        if form is not None:
            add_service_error(form, exc, fields_by_code)
        else:
            for message in exc.messages:
                messages.error(request, message)
        return Outcome(False)
    if success:
        messages.success(request, success(result) if callable(success) else success)
    return Outcome(True, result)


def dispatch(table: Mapping[str, Callable], name: str) -> Callable:
    """The handler of action ``name`` in ``table`` (a dict of action name → handler, written
    out where the actions are defined); an unknown name is 404 like a missing page. Views
    choose their action through a table, never through if/elif on a URL string."""
    handler = table.get(name)
    if handler is None:
        raise Http404
    return handler
