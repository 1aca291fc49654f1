from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import tenant_context

from speakers.management.commands._common import ProgressBar, add_org_and_actor, org_and_actor
from speakers.services import ImportRejected, event_requests_import, import_size_problem


class Command(BaseCommand):
    help = "Import historical speaker and event requests from a CSV file (all rows or none; see speakers/README.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_org_and_actor(parser)
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        organisation, actor = org_and_actor(options)
        too_big = import_size_problem(options["file"].stat().st_size)
        if too_big:
            raise CommandError(too_big)
        try:
            # Bytes, not read_text(): universal newlines would turn a line break inside a cell into another.
            text = options["file"].read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError("Save the spreadsheet as 'CSV UTF-8' and try again.") from exc
        with tenant_context(organisation):
            try:
                result = event_requests_import(actor=actor, csv_text=text, progress=ProgressBar(self.stderr._out))
            except ImportRejected as rejected:
                for error in rejected.errors:
                    self.stderr.write(str(error))
                if rejected.more:
                    self.stderr.write(rejected.lines()[-1])
                raise CommandError(str(rejected)) from rejected
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {result.imported} request(s) into {organisation}."))
