from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.management.commands.organisation_create import _describe
from tenants.models import LinkKind, Organisation
from tenants.services import organisation_link


class Command(BaseCommand):
    help = "Link two organisations: SOURCE validates / member_of / convened_by TARGET."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="Slug of the source organisation.")
        parser.add_argument("kind", choices=LinkKind.values)
        parser.add_argument("target", help="Slug of the target organisation.")

    def handle(self, *args: Any, source: str, kind: str, target: str, **options: Any) -> None:
        found = {o.slug: o for o in Organisation.objects.filter(slug__in=[source, target])}
        for label, slug in (("source", source), ("target", target)):
            if slug not in found:
                raise CommandError(f"{label}: no organisation has the slug '{slug}'.")
        try:
            link = organisation_link(actor=None, source=found[source], target=found[target], kind=kind)
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Linked: {link}"))
