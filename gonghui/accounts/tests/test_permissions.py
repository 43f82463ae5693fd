"""accounts.permissions: a person acts on their own password and tokens, the operator on
anyone's; an officer's rights over unions give nothing here, however high (the sibling
province's admin is refused like anyone else: 403 for the operator's actions, 404 for a token
that is not theirs)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gonghui.accounts import permissions, services
from gonghui.testing import make_user


@pytest.fixture
def operator(db):
    return make_user("root", superuser=True)


def test_only_the_operator_unlocks_resets_and_creates_logins(
    operator, national_admin, sibling_admin, member_user
):
    assert permissions.is_operator(operator)
    permissions.require_operator(operator)
    for other in (national_admin, sibling_admin, member_user, AnonymousUser(), None):
        assert not permissions.is_operator(other)
        with pytest.raises(PermissionDenied):
            permissions.require_operator(other)
    with pytest.raises(PermissionDenied):
        services.user_unlock(actor=sibling_admin, user=member_user)
    with pytest.raises(PermissionDenied):
        services.user_create(actor=sibling_admin, username="someone", password="a-long-pass-phrase-1")


def test_a_users_tokens_are_revoked_by_them_the_operator_or_the_system(
    operator, member_user, sibling_admin, city_admin
):
    assert permissions.can_manage_tokens_of(member_user, member_user)
    assert permissions.can_manage_tokens_of(operator, member_user)
    permissions.require_revoke_all_tokens(None, member_user)  # the system: the lockout, commands
    for other in (sibling_admin, city_admin, AnonymousUser()):
        assert not permissions.can_manage_tokens_of(other, member_user)
        with pytest.raises(PermissionDenied):
            permissions.require_revoke_all_tokens(other, member_user)


def test_someone_elses_token_is_404_to_everyone_but_its_owner_and_the_operator(
    operator, member_user, sibling_admin, city_admin
):
    token, _secret = services.token_create(actor=member_user, name="sync")
    permissions.require_revoke_token(member_user, token)
    permissions.require_revoke_token(operator, token)
    for other in (sibling_admin, city_admin, AnonymousUser()):
        with pytest.raises(Http404):
            permissions.require_revoke_token(other, token)
