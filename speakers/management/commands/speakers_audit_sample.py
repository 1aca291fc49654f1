from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_tenants.utils import tenant_context

from speakers.management.commands._common import add_org_and_actor, org_and_actor
from speakers.services import audit_sample_run
from speakers.services.audit_sample import audit_sample_csv


class Command(BaseCommand):
    help = "Check the procedure on a random sample of requests decided in a period."

    def add_arguments(self, parser: CommandParser) -> None:
        add_org_and_actor(parser)
        parser.add_argument("--from", dest="date_from", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
        parser.add_argument("-n", dest="size", type=int, default=10, help="Sample size (default 10).")
        parser.add_argument("--seed", type=int, help="Repeat an earlier sample by giving its seed.")
        parser.add_argument("--csv", type=Path, help="Also write the report to this CSV file (opens in Excel).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation, actor = org_and_actor(options)
        with tenant_context(organisation):
            report = audit_sample_run(
                actor=actor, date_from=options["date_from"], date_to=options["date_to"],
                size=options["size"], seed=options["seed"],
            )  # fmt: skip
        self.stdout.write(
            f"Audit sample for {organisation}, decisions {report.date_from} to {report.date_to}: "
            f"{len(report.sampled)} of {report.population} (seed {report.seed})"
        )
        for row in report.sampled:
            verdict = "PASS" if row.passed else "FAIL"
            self.stdout.write(f"  {verdict} {row.reference} {row.outcome_label} decided {row.decided_on}")
            for check in row.checks:
                self.stdout.write(
                    f"      [{'x' if check.passed else ' '}] {check.label}{': ' + check.note if check.note else ''}"
                )
        self.stdout.write(f"Summary: {report.passed_count} of {len(report.sampled)} followed the procedure fully.")
        for label, failures in report.failures_by_label:
            self.stdout.write(f"  {label}: {failures} failure(s)")
        if options["csv"]:
            options["csv"].write_bytes(audit_sample_csv(report).encode("utf-8"))
            self.stdout.write(f"Report written to {options['csv']}.")
