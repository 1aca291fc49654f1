from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.dates import today
from figures.termly import termly_send
from partners.periods import period_from_code


class Command(BaseCommand):
    help = (
        "For the term that ended last (or --period): every member of a network sends its figures to each "
        "network it belongs to that an agreement lets receive them (once per term: a term already sent is "
        "skipped), then every network brings in what it received and sends each member the network's totals "
        "beside its own. Idempotent: run it daily from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help='A term such as "2025-26-autumn" (default: the term that ended last).')

    def handle(self, *args: Any, **options: Any) -> None:
        from figures.services import last_ended_term

        try:
            term = period_from_code(options["period"]) if options.get("period") else last_ended_term(today())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if term.kind != "termly":
            raise CommandError("Network figures are sent per term: give a term, not a whole year.")
        self.stdout.write(f"Network figures for the {term.label} ({term.start:%-d %b %Y} to {term.end:%-d %b %Y}):")
        report = termly_send(term, today())
        for line in report.lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {report.sent} sent, {report.already} already sent, {report.refused} not allowed; "
                f"{report.totals_sent} member(s) sent network totals."
            )
        )
