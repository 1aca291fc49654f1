from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from hub.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, ORGANISATIONS, demo_logins, demo_needs_code, demo_seed


class Command(BaseCommand):
    help = "Create the fictional demo network (idempotent) and print its URLs and logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", default="8000", help="Port to show in the printed URLs.")

    def handle(self, *args: Any, port: str, **options: Any) -> None:
        demo_seed()
        base = settings.HUB_BASE_DOMAIN
        suffix = f":{port}" if port not in {"80", ""} else ""
        self.stdout.write(self.style.SUCCESS("\nPartnership Hub demo network is ready.\n"))
        self.stdout.write(
            f"  Public site (sign in here):  http://{base}{suffix}/   (http://localhost{suffix}/ redirects)"
        )
        for spec in ORGANISATIONS:
            self.stdout.write(f"  {spec.name:<34} http://{spec.slug}.{base}{suffix}/")
        self.stdout.write(f"  API schema:                  http://{base}{suffix}/api/schema/")
        self.stdout.write(f"\n  Demo logins (password for all: {DEMO_PASSWORD}; * also asks for a code):")
        for email, name, where in demo_logins():
            mark = "*" if demo_needs_code(email) else " "
            self.stdout.write(f"  {mark} {email:<42} {name:<20} {where}")
        secret = " ".join(DEMO_TOTP_SECRET[i : i + 4] for i in range(0, len(DEMO_TOTP_SECRET), 4))
        self.stdout.write(
            f"\n  Two-factor sign-in (*): add this key to an authenticator app (time-based, 6 digits): {secret}"
        )
        self.stdout.write(
            f"    otpauth://totp/Partnership%20Hub:demo?secret={DEMO_TOTP_SECRET}&issuer=Partnership%20Hub"
        )
        if getattr(settings, "HUB_DEMO_SHOW_TOTP_CODE", False):
            self.stdout.write("    Development settings: the code page also shows the current code ('Demo only').")
        self.stdout.write("")
