from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Organisation, OrganisationKind
from tenants.services import organisation_create, organisation_host


class Command(BaseCommand):
    help = "Create an organisation (its schema, host name and key pairs) in one transaction."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="Host label: the organisation is served at <slug>.<base domain>.")
        parser.add_argument("name", help="The organisation's full name.")
        kinds = [k for k in OrganisationKind.values if k != OrganisationKind.PLATFORM]
        parser.add_argument("--kind", required=True, choices=kinds)
        parser.add_argument("--validated-by", help="Slug of the validating provider (for a franchise partner).")

    def handle(self, *args: Any, slug: str, name: str, kind: str, validated_by: str | None, **options: Any) -> None:
        provider = None
        if validated_by:
            provider = Organisation.objects.filter(slug=validated_by).first()
            if provider is None:
                raise CommandError(f"--validated-by: no organisation has the slug '{validated_by}'.")
        try:
            organisation = organisation_create(actor=None, name=name, slug=slug, kind=kind, validated_by=provider)
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {organisation} at {organisation_host(organisation.slug)}"))


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
