from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hub.backup import BackupError, backup_write, manifest_path


class Command(BaseCommand):
    help = (
        "Dump the whole database (public and every organisation's schema) with pg_dump --format=custom, "
        "and write <file>.manifest.json beside it. Reads no key: the dump holds wrapped keys only."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Where to write the dump, e.g. hub-2026-11-30.dump")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            manifest = backup_write(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Wrote {file} ({manifest['dump_bytes']:,} bytes, {len(manifest['organisations'])} organisations, "
            f"{manifest['audit']['events']:,} audit events) and {manifest_path(Path(file))}.\n"
            f"It needs the master key with id {', '.join(manifest['master_key_ids']) or '(none yet)'}; "
            "keep that key apart from this file."
        )
