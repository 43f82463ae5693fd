"""Who may do what with logins and API tokens (docs/dev/permissions.md).

Accounts sit below organisations, so no rule here uses a scope: a person acts on their own
password and tokens, the operator (a superuser) on anyone's, and the system (``actor=None``:
seeding, commands, the lockout) where a service says so. Services call ``require_<verb>``
before they change anything.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404


def is_operator(actor) -> bool:
    """The operator: a signed-in superuser (the Django admin, unlocking, resetting, creating
    logins)."""
    return actor is not None and actor.is_authenticated and actor.is_superuser


def require_operator(actor) -> None:
    """403 for anyone but the operator."""
    if not is_operator(actor):
        raise PermissionDenied


def can_manage_tokens_of(actor, user) -> bool:
    """``actor`` may revoke ``user``'s tokens: their own, or anyone's for the operator."""
    return _is_self_or_operator(actor, user.pk)


def _is_self_or_operator(actor, user_id) -> bool:
    return actor is not None and actor.is_authenticated and (actor.pk == user_id or actor.is_superuser)


def require_revoke_all_tokens(actor, user) -> None:
    """Revoking every token of a login: the user themself, the operator or the system
    (``actor=None``); 403 for anyone else (the login itself is no secret: it signs its
    audit entries)."""
    if actor is not None and not can_manage_tokens_of(actor, user):
        raise PermissionDenied


def require_revoke_token(actor, token) -> None:
    """Revoking one token: its owner or the operator. Anyone else's token is not visible to
    a user at all (``selectors.token_of_or_404``), so it is 404 here too, like a missing one."""
    if not _is_self_or_operator(actor, token.user_id):
        raise Http404
