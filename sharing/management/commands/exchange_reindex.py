from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sharing.reindex import DEFAULT_BATCH_SIZE, ReindexReport, name_index_rebuild


def _summary(report: ReindexReport) -> str:
    return (
        f"{report.examined} check(s) examined, {report.reindexed} re-indexed, {report.unchanged} already current, "
        f"{report.unsearchable} with no searchable name, {report.unreadable} could not be opened"
    )


class Command(BaseCommand):
    help = (
        "Recompute the blind-index name tokens of every current shared check under the current name rules "
        "(sharing/NAMES.md), from each source's archive copy. Run after a change to sharing/names.py. "
        "Batches are all-or-nothing; safe to rerun (a second run finds nothing to do)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="Checks per transaction.")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Recompute every current check, not only those on older rules.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")

        def progress(report: ReindexReport) -> None:
            self.stdout.write(f"batch {report.batches}: {_summary(report)} so far")

        report = name_index_rebuild(
            batch_size=options["batch_size"], everything=options["everything"], progress=progress
        )
        self.stdout.write(
            self.style.SUCCESS(f"Re-index to name rules version {report.names_version} done: {_summary(report)}.")
        )
        if report.unreadable:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.unreadable} check(s) could not be opened from their source's archive copy and keep "
                    "their old tokens; the source can share them again."
                )
            )
