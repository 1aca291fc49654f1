from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hub.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a hub_backup dump into the database DATABASE_URL names, which must exist and be empty "
        "(pg_restore in one transaction). Then run `manage.py hub_restore_check --manifest <file>.manifest.json`."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--manifest", help="Default: <file>.manifest.json when it exists.")

    def handle(self, *args: Any, file: str, manifest: str | None, **options: Any) -> None:
        try:
            backup_restore(Path(file), manifest=Path(manifest) if manifest else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {file}. Now run manage.py hub_restore_check."))
