from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import tenant_context

from tenants.models import Organisation, OrganisationKind
from welfare.retention import retention_destroy_run


class Command(BaseCommand):
    help = (
        "Destroy closed welfare cases that a reviewer approved for destruction at /welfare/retention/ and that "
        "are still past their organisation's retention period, in every organisation (or one, with --org): "
        "the case, its concerns, chronology, actions, openings and agenda items, and every shared copy in the "
        "exchange (crypto-shredded). A record that each case existed and was destroyed is kept. One "
        "transaction per case; safe to run repeatedly (e.g. nightly from cron). Cases past retention that no one "
        "has reviewed are counted, never destroyed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would be destroyed; change nothing.")
        parser.add_argument("--org", help="Only this organisation (its slug).")
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Judge retention as of this date (YYYY-MM-DD; default today)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = (
            Organisation.objects.exclude(schema_name="public").exclude(kind=OrganisationKind.PLATFORM).order_by("slug")
        )
        if options["org"]:
            organisations = organisations.filter(slug=options["org"])
            if not organisations.exists():
                raise CommandError(f"No organisation with the slug '{options['org']}'.")
        dry_run = options["dry_run"]
        totals = {"destroyed": 0, "failed": 0, "awaiting": 0}
        for organisation in organisations:
            self._one(organisation, dry_run, options["today"], totals)
        verb = "would be destroyed" if dry_run else "destroyed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Dry run: ' if dry_run else ''}{totals['destroyed']} case(s) {verb}, {totals['failed']} failed "
                f"(left whole), {totals['awaiting']} past retention awaiting review."
            )
        )
        if totals["failed"]:
            raise CommandError(f"{totals['failed']} case(s) could not be destroyed (see above); they are unchanged.")

    def _one(self, organisation: Organisation, dry_run: bool, today: date | None, totals: dict[str, int]) -> None:
        with tenant_context(organisation):
            self.stdout.write(f"{organisation.slug}:")
            report = retention_destroy_run(
                organisation=organisation, dry_run=dry_run, today=today, progress=self.stdout.write
            )
        self.stdout.write(
            f"  {len(report.approved)} approved, {len(report.destroyed)} destroyed, {len(report.failed)} failed, "
            f"{report.awaiting_review} awaiting review"
        )
        totals["destroyed"] += len(report.approved) if dry_run else len(report.destroyed)
        totals["failed"] += len(report.failed)
        totals["awaiting"] += report.awaiting_review
