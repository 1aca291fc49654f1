from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from tenants.models import User


class HubAuthBackend(ModelBackend):
    """Model backend that lets the sign-in form say "this account is disabled".

    Django's backend answers a disabled account exactly as a wrong password; returning the
    user here (password checked) lets `AuthenticationForm.confirm_login_allowed` reject it
    with its own message. `get_user` still refuses inactive users, so disabling someone
    ends their existing sessions at once.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        email = (username or kwargs.get("email") or "").strip().lower()
        if not email or password is None:
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            User().set_password(password)  # Same work as a real check, so timing does not reveal accounts.
            return None
        return user if user.check_password(password) else None
