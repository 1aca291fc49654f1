from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tenants.provisioning import expected_migrations, organisation_schemas, organisations_missing_migrations


class Command(BaseCommand):
    help = (
        "Check that every organisation schema records every migration of the code's migration graph; "
        "lists the ones missing and exits non-zero if any are."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schema", action="append", help="Check only this schema (repeatable).")

    def handle(self, *args: Any, schema: list[str] | None, **options: Any) -> None:
        names = schema or organisation_schemas()
        missing = organisations_missing_migrations(names)
        for name, lacking in missing.items():
            shown = ", ".join(f"{app}.{migration}" for app, migration in lacking[:20])
            more = f" and {len(lacking) - 20} more" if len(lacking) > 20 else ""
            self.stdout.write(f"{name}: missing {len(lacking)}: {shown}{more}")
        if missing:
            raise CommandError(
                f"{len(missing)} of {len(names)} organisation schemas miss migrations; "
                "run `manage.py migrate_organisations`."
            )
        self.stdout.write(
            f"{len(names)} organisation schemas checked; each records all {len(expected_migrations())} migrations."
        )
