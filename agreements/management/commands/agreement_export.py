import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from agreements.models import Agreement
from agreements.selectors import agreement_export, agreement_version
from core.audit import audit_record


class Command(BaseCommand):
    help = (
        "Write an agreement version's canonical text, signatures and signers' public keys to a JSON file "
        "that `python -m agreements.verify <file>` checks offline."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("agreement_id", type=int)
        parser.add_argument("file")
        parser.add_argument(
            "--agreement-version", dest="number", type=int, help="Version number (default: the current one)."
        )

    def handle(self, *args: Any, agreement_id: int, file: str, number: int | None, **options: Any) -> None:
        agreement = Agreement.objects.select_related("current_version").filter(pk=agreement_id).first()
        if agreement is None:
            raise CommandError(f"There is no agreement {agreement_id}.")
        version = agreement_version(agreement, number or agreement.current_version.number)
        if version is None:
            raise CommandError(f"Agreement {agreement_id} has no version {number}.")
        try:
            export = agreement_export(version)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with open(file, "w", encoding="utf-8") as handle:
            json.dump(export, handle, indent=2, sort_keys=True, ensure_ascii=False)
        audit_record(action="agreement.export", target=agreement, detail={"version": version.number})
        self.stdout.write(
            f"Wrote {agreement.reference} version {version.number} with "
            f"{len(export['signatures'])} signature(s) to {file}."
        )
