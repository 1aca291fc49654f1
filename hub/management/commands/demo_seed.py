from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from hub.demo import DEMO_PASSWORD, ORGANISATIONS, demo_logins, demo_seed


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
        self.stdout.write(f"\n  Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, name, where in demo_logins():
            self.stdout.write(f"    {email:<42} {name:<20} {where}")
        self.stdout.write("")
