from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exits non-zero and lists each break if an event was edited or deleted."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify()
        if problems:
            raise CommandError("Audit chain broken:\n  " + "\n  ".join(problems))
        self.stdout.write(self.style.SUCCESS("Audit chain intact."))
