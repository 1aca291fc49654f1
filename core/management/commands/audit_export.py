import json
from typing import Any

from django.core.management.base import BaseCommand

from core.audit import checkpoint_export, events_export


class Command(BaseCommand):
    help = (
        "Write one chain's latest signed checkpoint and its events (JSON Lines), for "
        "`python -m core.audit_offline --checkpoint CHECKPOINT EVENTS`."
    )

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--organisation", type=int, help="the organisation's id")
        group.add_argument("--platform", action="store_true", help="the platform's chain")
        parser.add_argument("--checkpoint", required=True, metavar="FILE", help="where to write the checkpoint")
        parser.add_argument("--events", required=True, metavar="FILE", help="where to write the events")

    def handle(self, *args: Any, organisation: int | None, checkpoint: str, events: str, **options: Any) -> None:
        with open(checkpoint, "w", encoding="utf-8") as handle:
            json.dump(checkpoint_export(organisation), handle, indent=1, ensure_ascii=False)
        count = 0
        with open(events, "w", encoding="utf-8") as handle:
            for event in events_export(organisation):
                handle.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
                count += 1
        self.stdout.write(f"Wrote the checkpoint to {checkpoint} and {count} events to {events}.")
