from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_tenants.utils import tenant_context

from speakers.management.commands._common import add_org_and_actor, org_and_actor
from speakers.services import event_requests_export


class Command(BaseCommand):
    help = "Export the register of speaker and event requests as CSV (to stdout, or to --output)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_org_and_actor(parser)
        parser.add_argument("--output", type=Path, help="Write to this file instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation, actor = org_and_actor(options)
        with tenant_context(organisation):
            text = event_requests_export(actor=actor)
        if options["output"]:
            options["output"].write_bytes(text.encode("utf-8"))  # keeps the BOM and CRLF as written
        else:
            self.stdout.write(text, ending="")
