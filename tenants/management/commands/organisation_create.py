from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Organisation, OrganisationKind
from tenants.services import organisation_host, organisation_onboard


class Command(BaseCommand):
    help = (
        "Create an organisation (its schema, host name and key pairs) in one transaction, and invite its "
        "first organisation admin: prints the invitation link (and emails it when email is configured)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="Host label: the organisation is served at <slug>.<base domain>.")
        parser.add_argument("name", help="The organisation's full name.")
        kinds = [k for k in OrganisationKind.values if k != OrganisationKind.PLATFORM]
        parser.add_argument("--kind", required=True, choices=kinds)
        parser.add_argument(
            "--admin-email", required=True, help="Email address of the first organisation admin, who is invited."
        )
        parser.add_argument("--validated-by", help="Slug of the validating provider (for a franchise partner).")
        parser.add_argument(
            "--site-url",
            default=settings.HUB_PUBLIC_URL,
            help="Public site address for the invitation link (default: HUB_PUBLIC_URL, %(default)s).",
        )

    def handle(
        self,
        *args: Any,
        slug: str,
        name: str,
        kind: str,
        admin_email: str,
        validated_by: str | None,
        site_url: str,
        **options: Any,
    ) -> None:
        provider = None
        if validated_by:
            provider = Organisation.objects.filter(slug=validated_by).first()
            if provider is None:
                raise CommandError(f"--validated-by: no organisation has the slug '{validated_by}'.")
        try:
            done = organisation_onboard(
                actor=None,
                name=name,
                slug=slug,
                kind=kind,
                validated_by=provider,
                first_admin_email=admin_email,
                site_url=site_url,
            )
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from exc
        organisation = done.organisation
        self.stdout.write(self.style.SUCCESS(f"Created {organisation} at {organisation_host(organisation.slug)}"))
        emailed = " (also emailed)" if done.emailed else ""
        self.stdout.write(f"First admin: send {done.invitation.email} this invitation link{emailed}:\n{done.link}")


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        names = {"first_admin_email": "--admin-email"}
        return "; ".join(f"{names.get(field, field)}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
