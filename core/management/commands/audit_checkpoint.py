from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_checkpoint, chain_name


class Command(BaseCommand):
    help = (
        "Sign a checkpoint (length, first and last event ids, head hash) for every audit chain that grew since "
        "its last one, after checking the events since then. Celery beat runs this hourly "
        "(core.audit_checkpoint_all). Exits non-zero, signing nothing for that chain, if a chain is broken."
    )

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--organisation", type=int, help="only this organisation's chain (its id)")
        group.add_argument("--platform", action="store_true", help="only the platform's chain")
        parser.add_argument("--force", action="store_true", help="sign even a chain that has not grown")

    def handle(self, *args: Any, organisation: int | None, platform: bool, force: bool, **options: Any) -> None:
        chains = None
        if organisation is not None or platform:
            chains = [chain_name(organisation)]
        created, problems = audit_checkpoint(chains, force=force)
        for row in created:
            self.stdout.write(f"{row.chain}: seq {row.seq}, last event {row.last_event_id}, head {row.head_hash[:16]}…")
        self.stdout.write(f"{len(created)} checkpoints signed.")
        if problems:
            raise CommandError("Not signed, the chain is broken:\n  " + "\n  ".join(problems))
