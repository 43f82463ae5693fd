from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from gonghui.accounts import services


class LockoutModelBackend(ModelBackend):
    """Username and password within the sign-in limits (ADR 0013): an attempt from a refused
    client address fails without the password being checked; failures and successes are
    counted per address and user name. Every password sign-in — the login page, the token
    endpoint, the Django admin — comes through here."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = services.client_of(request)
        if services.login_refusal(address=address, username=username) is not None:
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            services.login_failed(username=username, address=address)
            return None
        services.login_succeeded(user=user, address=address)
        return user
