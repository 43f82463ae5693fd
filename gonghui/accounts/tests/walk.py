"""Accounts' part of the URL walk (gonghui/tests/urlwalk.py): its pages and operations are
about the signed-in user's own login, not a union's data, so the walk leaves them out; the
accounts tests cover them (a token of someone else is 404: test_views.py)."""

NOT_WALKED = {
    "accounts:login": "the sign-in page, open to everyone",
    "accounts:logout": "signs the caller out",
    "accounts:password_change": "the caller's own password",
    "accounts:tokens": "the caller's own API tokens",
    "accounts:token_revoke": "revokes one of the caller's own tokens",
}
API_NOT_WALKED = {"auth": "tokens: made from the caller's own password, listed and revoked by their owner"}
