"""Reads of account data: a user's own API tokens."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from gonghui.accounts.models import ApiToken


def tokens_of(user) -> QuerySet:
    return ApiToken.objects.filter(user=user).select_related("user").order_by("-created_at")


def token_of_or_404(user, token_id) -> ApiToken:
    """One of the user's own tokens; anyone else's answers 404 like a missing one."""
    try:
        return ApiToken.objects.get(pk=token_id, user=user)
    except (ApiToken.DoesNotExist, ValueError, TypeError, ValidationError):  # bad UUIDs too
        raise Http404 from None
