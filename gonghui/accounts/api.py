from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from gonghui.accounts import services
from gonghui.accounts.models import ApiToken

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class TokenItem(Schema):
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked: bool


@router.post("/token", response=TokenOut, auth=None)
def create_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (30 days). Failed attempts count
    towards the account lockout."""
    secret = services.issue_token_for_credentials(
        request=request, username=payload.username, password=payload.password
    )
    return {"token": secret}


@router.get("/tokens", response=list[TokenItem])
def list_tokens(request):
    return [
        {
            "id": str(t.pk),
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "expires_at": t.expires_at,
            "revoked": t.revoked_at is not None,
        }
        for t in ApiToken.objects.filter(user=request.user)[:100]
    ]


@router.post("/tokens/{token_id}/revoke", response={204: None})
def revoke_token(request, token_id: str):
    token = get_object_or_404(ApiToken, pk=_uuid(token_id), user=request.user)
    services.token_revoke(actor=request.user, token=token)
    return Status(204, None)


def _uuid(value: str):
    import uuid

    from django.http import Http404

    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None
