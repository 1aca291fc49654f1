from typing import Any

from django.core.management.base import BaseCommand, CommandError

from agreements import verify


class Command(BaseCommand):
    help = (
        "Verify an exported agreement's signatures offline. Uses only the file, never the database; "
        "`python -m agreements.verify <file>` does the same without Django."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        status = verify.main([file])
        if status:
            raise CommandError("The export did not verify; see the lines marked FAILED.", returncode=status)
