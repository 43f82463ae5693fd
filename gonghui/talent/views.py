"""Talent profile pages: an officer's view of a member in scope, and the member's own."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gonghui.organisations.permissions import officer_required
from gonghui.talent import permissions, selectors


def _profile_page(request, member, *, own: bool):
    return render(
        request,
        "talent/profile.html",
        {
            "member": member,
            "profile": selectors.profile_for(member),
            "own": own,
            "linkable": permissions.linked_sources(request.user, member, own_page=own),
        },
    )


@officer_required
def member_profile(request, member_id):
    return _profile_page(request, selectors.profile_member_or_404(request.user, member_id), own=False)


@login_required
def my_profile(request):
    return _profile_page(request, selectors.own_member_or_404(request.user), own=True)
