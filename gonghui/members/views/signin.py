"""The sign-in page's "手机验证码登录": phone → send code → code → signed in, without
JavaScript (two plain forms; the second carries the phone). Thin: forms collect, the accounts
services check and count, members' services link the member record."""

from django.contrib.auth import login as auth_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gonghui.accounts.services import phone as phone_services
from gonghui.accounts.views import home_url
from gonghui.core import throttle
from gonghui.core.web import form_action, next_or
from gonghui.members.forms import PhoneCodeForm, PhoneLoginForm
from gonghui.members.services import accounts


def _send(request, phone):
    try:
        phone_services.code_send(address=throttle.client_key(request), phone=phone)
    except throttle.Throttled:
        raise ValidationError(
            _("Too many codes asked for; please try again later."), code="throttled"
        ) from None


def _sign_in(request, data):
    user, _created = phone_services.sms_login(phone=data["phone"], code=data["code"])
    accounts.account_link_by_phone(user=user)
    return user


def _page(request, form, step, status=200):
    # ``next`` goes round both steps as it does on the password form.
    target = request.POST.get("next") or request.GET.get("next") or ""
    return render(
        request, "members/phone_login.html", {"form": form, "step": step, "next": target}, status=status
    )


@never_cache
@require_http_methods(["GET", "POST"])
def phone_login(request):
    """Step 1 (``step=send``): the phone, a code is sent. Step 2 (``step=login``): the phone
    and the code; signed in, on to the home page (or ``next``)."""
    step = request.POST.get("step") if request.method == "POST" else None
    if step == "login":
        form = PhoneLoginForm(request.POST)
        outcome = form_action(request, lambda data: _sign_in(request, data), form=form)
        if outcome.ok:
            auth_login(request, outcome.result, backend="gonghui.accounts.backends.LockoutModelBackend")
            return redirect(next_or(request, home_url(outcome.result)))
        return _page(request, form, "login", status=400)
    form = PhoneCodeForm(request.POST if step == "send" else None)
    if step == "send":
        outcome = form_action(
            request,
            lambda data: _send(request, data["phone"]),
            form=form,
            success=_("If the number is a mainland mobile, a code is on its way. It is valid for 5 minutes."),
        )
        if outcome.ok:
            login_form = PhoneLoginForm(initial={"phone": form.cleaned_data["phone"]})
            return _page(request, login_form, "login")
        return _page(request, form, "send", status=400)
    return _page(request, form, "send")
