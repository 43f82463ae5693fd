"""The home page (``/``): every role meets its work, nobody meets a dead end.

* anonymous: the public landing page (what the union offers, join, stations, requests, sign in);
* officers: their queues (counts with links, scoped) and the statistics of their subtrees;
  viewers the statistics only;
* station keepers: their stations and open tickets; supervisors: appeals and objections to
  decide; judges: the competitions where sheets wait for them;
* members and signed-in visitors (a phone account without a member record): the service hall.

A person holding several roles sees each part. Every link shown leads to a page that person
may open (``gonghui/portal/tests/test_home.py`` follows them).
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from gonghui.members.views import officer as member_officer_views
from gonghui.organisations import scoping
from gonghui.organisations.permissions import is_officer
from gonghui.portal import selectors

Action = scoping.Action

# What each officer queue is called and where it is worked.
QUEUE_PAGES = {
    "enrolments": (_("Applications to join"), "members:enrolments", ""),
    "transfers": (_("Transfers"), "members:transfers", ""),
    "requests": (_("Requests"), "rights:queue", "?status=open"),
    "households": (_("Hardship files in progress"), "assistance:queue", ""),
    "tickets": (_("Station repair tickets"), "stations:tickets", "?status=active"),
}


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/landing.html")
    officer = is_officer(user)
    context = {
        "is_officer": officer,
        "queues": [
            {
                "queue": q,
                "label": QUEUE_PAGES[q.key][0],
                "url": QUEUE_PAGES[q.key][1],
                "query": QUEUE_PAGES[q.key][2],
            }
            for q in selectors.officer_queues(user)
        ]
        if officer
        else [],
        "panels": [
            member_officer_views.stats_panel(org)
            for org in scoping.home_organisations(user, Action.VIEW_STATS)
        ]
        if scoping.has_any(user, Action.VIEW_STATS)
        else [],
        "keeper": selectors.keeper_work(user) if selectors.is_keeper(user) else None,
        "supervisor": selectors.supervisor_work(user) if scoping.has_any(user, Action.SUPERVISE) else None,
        "judging": selectors.judge_work(user) if selectors.is_judge(user) else None,
    }
    hall = selectors.hall(user)
    has_role_work = officer or context["keeper"] is not None or context["judging"] is not None
    # The hall is for members and visitors; an officer who is also a member sees it under
    # their work, an officer who is not sees none.
    context["hall"] = hall if hall["member"] is not None or not has_role_work else None
    return render(request, "portal/home.html", context)
