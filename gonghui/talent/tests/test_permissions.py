"""Who opens which sources of a talent profile (talent/permissions.py), with the sibling-branch
admins, who reach neither the profile (404) nor anything it links to."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gonghui.talent import permissions
from gonghui.talent.rubric import SOURCES
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def test_officers_open_every_source_and_the_member_only_members_pages(world, city_admin, member_user):
    member = world.members["xian_worker"]
    assert permissions.linked_sources(city_admin, member, own_page=False) == SOURCES
    assert permissions.linked_sources(member_user, member, own_page=True) == {"idea", "result"}
    # The officers' page reached as the member (their own record): members' pages only.
    assert permissions.linked_sources(member_user, member, own_page=False) == {"idea", "result"}


@pytest.mark.parametrize("sibling", ["baoji", "gansu"])
def test_a_sibling_branch_admin_opens_nothing_and_gets_404_for_the_profile(world, sibling):
    member = world.members["xian_worker"]
    assert permissions.linked_sources(world.users[sibling], member, own_page=False) == frozenset()
    assert not permissions.is_own_profile(world.users[sibling], member)
    assert client_for(sibling).get(f"/talent/members/{member.pk}/").status_code == 404
    assert client_for(sibling).get(f"/api/v1/talent/members/{member.pk}").status_code == 404


def test_a_profile_is_the_members_own_only_for_their_login(world, member_user, city_admin):
    member = world.members["xian_worker"]
    assert permissions.is_own_profile(member_user, member)
    assert not permissions.is_own_profile(city_admin, member)
    assert not permissions.is_own_profile(AnonymousUser(), member)
