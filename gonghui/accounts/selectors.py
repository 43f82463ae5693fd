"""Reads of account data: a user's own API tokens."""

from django.db.models import QuerySet
from django.http import Http404

from gonghui.accounts.models import ApiToken


def tokens_of(user) -> QuerySet:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_of_or_404(user, token_id) -> ApiToken:
    """One of the user's own tokens; anyone else's answers 404 like a missing one."""
    try:
        return ApiToken.objects.get(pk=token_id, user=user)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    except Exception as exc:  # a malformed UUID raises ValidationError inside the ORM
        if exc.__class__.__name__ == "ValidationError":
            raise Http404 from None
        raise
