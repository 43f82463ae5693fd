from django.contrib.auth.backends import ModelBackend

from gonghui.accounts import services


class LockoutModelBackend(ModelBackend):
    """Username and password, refusing locked accounts and counting failures."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and user.is_locked:
            return None
        if user is None:
            if username:
                services.login_failed(username=username)
            return None
        services.login_succeeded(user=user)
        return user

    def _username_field(self):
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
