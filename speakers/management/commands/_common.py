"""What every speakers command needs: the organisation and the acting person, by name."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from django.core.management.base import CommandError, CommandParser

from tenants.models import Organisation, User


def add_org_and_actor(parser: CommandParser) -> None:
    parser.add_argument("--org", required=True, help="The organisation's slug (its host name label).")
    parser.add_argument("--as", dest="actor", required=True, help="Email of the member acting (recorded in the audit).")


def org_and_actor(options: dict[str, Any]) -> tuple[Organisation, User]:
    organisation = Organisation.objects.filter(slug=options["org"]).first()
    if organisation is None or organisation.is_platform:
        raise CommandError(f"No organisation with the slug '{options['org']}'.")
    actor = User.objects.filter(email=options["actor"].lower(), is_active=True).first()
    if actor is None:
        raise CommandError(f"No active person with the email '{options['actor']}'.")
    return organisation, actor


class ProgressBar:
    """A plain textual bar on stderr, redrawn in place, one update per row."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream, self.width = stream or sys.stderr, width

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // max(total, 1)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
