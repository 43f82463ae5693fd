"""The home page (``/``): every role meets its work. Officers keep the statistics dashboard;
everyone else is sent on to the page that serves them."""

from django.contrib.auth.decorators import login_required

from gonghui.members.views import officer as member_officer_views


@login_required
def home(request):
    return member_officer_views.dashboard(request)
