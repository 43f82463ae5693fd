from datetime import datetime

from ninja import Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from gonghui.accounts import selectors, services
from gonghui.core import throttle
from gonghui.core.api import error_answers, uuid_or_404

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


def signed_in_user(request):
    """Who calls a public endpoint (``auth=None``): the signed-in browser user, or the owner of
    a valid bearer token; None for anyone else (a bad token counts as no token there)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return services.token_authenticate(secret.strip())
    return None


def throttle_per_caller(request, scope: str, *, anonymous_limit: int, user_limit: int, window: int) -> None:
    """Rate-limit a public endpoint: anonymous callers per client address at
    ``anonymous_limit``, signed-in callers (session or token) per user at ``user_limit`` —
    an officer is accountable and is not held to the rate of an anonymous address. Raises
    :class:`~gonghui.core.throttle.Throttled` (429)."""
    user = signed_in_user(request)
    if user is None:
        throttle.hit(scope, throttle.client_key(request), limit=anonymous_limit, window=window)
    else:
        throttle.hit(f"{scope}-user", str(user.pk), limit=user_limit, window=window)


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


@router.post("/token", response={200: TokenOut, **error_answers(429)}, auth=None)
def create_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (30 days). Failed attempts count
    towards the sign-in limits shared with the login page: after too many failures for one
    username from one client address, or too many from one address whatever the usernames,
    that address gets 429 ``throttled`` for a while, right password or not; other addresses
    are not affected. A token stops working when its user's password changes."""
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
            "revoked": t.revoked_at is not None or t.stopped_by_password_change,
        }
        for t in selectors.tokens_of(request.user)[:100]
    ]


@router.post("/tokens/{token_id}/revoke", response={204: None})
def revoke_token(request, token_id: str):
    token = selectors.token_of_or_404(request.user, uuid_or_404(token_id))
    services.token_revoke(actor=request.user, token=token)
    return Status(204, None)
