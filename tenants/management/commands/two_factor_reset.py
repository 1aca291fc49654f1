"""`manage.py two_factor_reset <email>`: an operator removes a person's authenticator and recovery codes."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tenants import two_factor
from tenants.models import User


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator and recovery codes (lost phone and codes). Audited. "
        "If their roles need two-factor sign-in they set up a new authenticator at their next sign-in."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No account has the email address {email}.")
        removed = two_factor.second_factor_reset(actor=None, user=user)
        self.stdout.write(f"Removed {removed} device(s) of {user.email}. They set up a new authenticator next time.")
