import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hub.backup import BackupError, read_manifest, restore_check


class Command(BaseCommand):
    help = (
        "Check a restored database with the master key in HUB_MASTER_KEY: schemas, row counts and audit head "
        "against the manifest, the audit chain, every signed agreement's export, and shared checks opened "
        "through the exchange (rolled back: nothing is written). Exits non-zero on any problem."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--manifest", help="The backup's <file>.manifest.json, to compare against.")
        parser.add_argument("--sample", type=int, default=50, help="Shared checks to open per organisation.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the report as JSON.")

    def handle(self, *args: Any, manifest: str | None, sample: int, as_json: bool, **options: Any) -> None:
        try:
            expected = read_manifest(Path(manifest)) if manifest else None
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        report = restore_check(manifest=expected, sample=sample)
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, sort_keys=True))
        else:
            self.stdout.write(
                f"The master key opens this database. {report.organisations} organisations, every schema checked; "
                f"{report.audit_events:,} audit events; {report.agreement_versions_verified} signed agreement "
                f"versions ({report.signatures_verified} signatures) verified; {report.checks_opened} shared checks "
                f"opened by their sources and {report.checks_opened_by_recipients} by recipients; "
                f"{report.welfare_cases} welfare cases."
            )
        if report.problems:
            raise CommandError("The restore is NOT good:\n  " + "\n  ".join(report.problems))
        if not as_json:
            self.stdout.write(self.style.SUCCESS("Restore check passed."))
