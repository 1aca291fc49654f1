from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.dates import today
from referrals.periods import last_ended, term_from_code
from referrals.termly import termly_send


class Command(BaseCommand):
    help = (
        "Send each partner's counts for the term that ended last (or --period) to every organisation an "
        "agreement lets receive them, suppressed with that agreement's threshold, and bring summaries "
        "already sent up to date. Idempotent per term and recipient: run it daily from cron and each "
        "term goes out once, after it ends."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help='A term such as "2026-27-autumn" (default: the term that ended last).')

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            term = term_from_code(options["period"]) if options.get("period") else last_ended(today())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Aggregates for the {term.label} ({term.starts:%-d %b %Y} to {term.ends:%-d %b %Y}):")
        report = termly_send(term)
        for line in report.lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {report.partners} partner(s) visited, {report.sent} sent, {report.already} already sent, "
                f"{report.refused} not allowed, {report.summaries_updated} summary update(s)."
            )
        )
