import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from agreements.models import Agreement
from agreements.services import agreement_export_take


class Command(BaseCommand):
    help = (
        "Write an agreement version's canonical text, signatures and signers' public keys to a JSON file "
        "that `python -m agreements.verify <file>` checks offline."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("agreement_id", type=int)
        parser.add_argument("file")
        parser.add_argument(
            "--agreement-version",
            dest="number",
            type=int,
            help="Version number (default: the version in force, or the first version before one is).",
        )

    def handle(self, *args: Any, agreement_id: int, file: str, number: int | None, **options: Any) -> None:
        agreement = Agreement.objects.select_related("current_version").filter(pk=agreement_id).first()
        if agreement is None:
            raise CommandError(f"There is no agreement {agreement_id}.")
        number = number or agreement.current_version.number
        try:
            export = agreement_export_take(actor=None, organisation=None, agreement=agreement, number=number)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with open(file, "w", encoding="utf-8") as handle:
            json.dump(export, handle, indent=2, sort_keys=True, ensure_ascii=False)
        self.stdout.write(
            f"Wrote {agreement.reference} version {number} with {len(export['signatures'])} signature(s) to {file}."
        )
