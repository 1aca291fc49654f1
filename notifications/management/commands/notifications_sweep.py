from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_tenants.utils import tenant_context

from notifications.management.commands._schemas import organisations
from notifications.tasks import SWEEPS


class Command(BaseCommand):
    help = (
        "Run the daily notification sweeps now (agreements due for review or ended, partner reports overdue, "
        "actions due), in every organisation or the one --schema names. Each notifies a person once per thing "
        "and date, so running it again the same day notifies nobody twice. The worker runs the same sweeps daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", help="Only this organisation (its schema name, e.g. org_northmoor).")

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for organisation in organisations(options.get("schema")):
            with tenant_context(organisation):
                counts = {sweep.__module__ + "." + sweep.__name__: sweep(organisation) for sweep in SWEEPS}
            notified = sum(counts.values())
            total += notified
            detail = ", ".join(f"{name}: {n}" for name, n in counts.items() if n)
            self.stdout.write(f"{organisation.schema_name}: {notified} notified" + (f" ({detail})" if detail else ""))
        self.stdout.write(self.style.SUCCESS(f"Sweep done: {total} notification(s) stored."))
