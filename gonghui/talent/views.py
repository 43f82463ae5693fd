"""Talent profile pages: an officer's view of a member in scope, and the member's own."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gonghui.organisations.permissions import officer_required
from gonghui.talent import selectors

# Sources a member can open from their own profile (the others are officers' pages).
MEMBER_LINKABLE = frozenset({"idea", "result"})


@officer_required
def member_profile(request, member_id):
    member = selectors.profile_member_or_404(request.user, member_id)
    return render(
        request,
        "talent/profile.html",
        {"member": member, "profile": selectors.profile_for(member), "own": False},
    )


@login_required
def my_profile(request):
    member = selectors.own_member_or_404(request.user)
    return render(
        request,
        "talent/profile.html",
        {
            "member": member,
            "profile": selectors.profile_for(member),
            "own": True,
            "linkable": MEMBER_LINKABLE,
        },
    )
