from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_tenants.utils import tenant_context

from notifications import delivery
from notifications.management.commands._schemas import organisations


class Command(BaseCommand):
    help = (
        "Send the daily digest now: one email per person listing their unread notifications chosen for the "
        "digest, in every organisation or the one --schema names. What was sent is not sent again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", help="Only this organisation (its schema name, e.g. org_northmoor).")

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for organisation in organisations(options.get("schema")):
            with tenant_context(organisation):
                sent = delivery.digest()
            total += sent
            self.stdout.write(f"{organisation.schema_name}: {sent} digest(s) sent")
        self.stdout.write(self.style.SUCCESS(f"Digest done: {total} email(s) sent."))
