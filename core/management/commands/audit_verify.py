from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify
from core.audit_offline import loads_strict
from core.models import AuditChain, AuditCheckpoint, AuditEvent


class Command(BaseCommand):
    help = (
        "Check every audit chain: each event's hash and keyed seal, the links between events, each chain's "
        "head record, every signed checkpoint stored in the database, and each checkpoint file given with "
        "--checkpoint (kept off the server). Exits non-zero and prints one line per problem, naming the first "
        "missing or altered event by id. Needs the master key."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="a checkpoint file as downloaded or written by audit_export (repeatable)",
        )

    def handle(self, *args: Any, checkpoint: list[str], **options: Any) -> None:
        exports = []
        for path in checkpoint:
            try:
                with open(path, encoding="utf-8") as handle:
                    exports.append(loads_strict(handle.read()))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read checkpoint file {path}: {exc}") from None
        problems = audit_verify(checkpoints=exports)
        if problems:
            raise CommandError("Audit chain broken:\n  " + "\n  ".join(problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {AuditChain.objects.count()} chains, {AuditEvent.objects.count()} events, "
                f"{AuditCheckpoint.objects.count() + len(exports)} checkpoints checked."
            )
        )
