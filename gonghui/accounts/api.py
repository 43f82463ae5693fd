from datetime import datetime

from ninja import Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from gonghui.accounts import selectors, services

router = Router(tags=["auth"])


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` from ``POST /api/v1/auth/token``."""

    def authenticate(self, request, token):
        user = services.token_authenticate(token)
        if user is not None:
            request.user = user
        return user


# Every endpoint accepts a bearer token or the browser session (with its CSRF check).
class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session, CSRF-checked. Without a signed-in session it steps
    aside, so a caller with a bad or missing token gets 401, not a CSRF 403."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)


AUTH = [TokenAuth(), BrowserSessionAuth()]


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
        for t in selectors.tokens_of(request.user)[:100]
    ]


@router.post("/tokens/{token_id}/revoke", response={204: None})
def revoke_token(request, token_id: str):
    token = selectors.token_of_or_404(request.user, _uuid(token_id))
    services.token_revoke(actor=request.user, token=token)
    return Status(204, None)


def _uuid(value: str):
    import uuid

    from django.http import Http404

    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None
