"""Account pages: sign in and out, change password, API tokens. Thin: forms collect the
input, services in ``gonghui.accounts.services`` do the work (through
``core.web.form_action``)."""

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts import selectors, services
from gonghui.accounts.forms import LoginForm, PasswordChangeForm, TokenCreateForm
from gonghui.core.web import form_action


def home_url(user) -> str:
    """Where a user lands after signing in: the dashboard, which sends a plain member (no
    officer role) on to their membership page. Accounts do not know about roles; the
    dashboard, one layer up, does."""
    return reverse("dashboard")


class GonghuiLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_default_redirect_url(self):
        return home_url(self.request.user)


login = GonghuiLoginView.as_view()
logout = auth_views.LogoutView.as_view()


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request):
    """The signed-in user changes their password and stays signed in."""
    form = PasswordChangeForm(request.POST or None)
    if (
        request.method == "POST"
        and form_action(
            request,
            lambda data: services.password_change(
                actor=request.user, old_password=data["old_password"], new_password=data["new_password1"]
            ),
            form=form,
            success=_("Your password has been changed."),
            fields_by_code=form.ERROR_FIELDS,
        ).ok
    ):
        update_session_auth_hash(request, request.user)
        return redirect("accounts:password_change")
    return render(request, "accounts/password_change.html", {"form": form})


def _token_page(request, form: TokenCreateForm, *, new_token=None, secret: str = ""):
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_of(request.user),
            "new_token": new_token,
            "secret": secret,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request):
    """The user's API tokens. A new token's secret is shown in this one response only and
    is never stored in clear."""
    if request.method == "GET":
        return _token_page(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    outcome = form_action(
        request,
        lambda data: services.token_create(actor=request.user, name=data["name"], days=data["days"]),
        form=form,
    )
    if not outcome.ok:
        return _token_page(request, form)
    token, secret = outcome.result
    return _token_page(request, TokenCreateForm(), new_token=token, secret=secret)


@login_required
@require_POST
def token_revoke(request, token_id):
    token = selectors.token_of_or_404(request.user, token_id)
    form_action(
        request,
        lambda: services.token_revoke(actor=request.user, token=token),
        success=_("The token “%(name)s” has been revoked.") % {"name": token.name},
    )
    return redirect("accounts:tokens")
