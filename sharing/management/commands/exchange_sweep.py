from typing import Any

from django.core.management.base import BaseCommand

from sharing.sweep import exchange_sweep


class Command(BaseCommand):
    help = (
        "Destroy keys whose retention or agreement has ended (rotating channels whose readers shrank), "
        "destroy lapsed checks, and give newly allowed organisations their keys. Safe to run repeatedly "
        "and concurrently (e.g. every 15 minutes from cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = exchange_sweep()
        self.stdout.write(
            self.style.SUCCESS(
                f"Sweep done: {report.keys_expired} expired key(s) destroyed, "
                f"{report.grants_ended} ended grant(s) removed, {report.channels_rotated} channel(s) rotated, "
                f"{report.channels_removed} emptied old channel(s) removed, "
                f"{report.grants_added} grant(s) added, {report.keys_backfilled} key(s) backfilled, "
                f"{report.checks_destroyed} lapsed check(s) destroyed."
            )
        )
        for note in report.notes:
            self.stdout.write(f"  {note}")
