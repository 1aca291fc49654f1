"""Provisioning: one service creates schema, host name, key pairs and first link, or nothing at all."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django_tenants.utils import schema_exists

from core.models import AuditEvent
from tenants import services
from tenants.models import Domain, LinkKind, Organisation, OrganisationKey, OrganisationLink


def _counts():
    return (
        Organisation.objects.count(),
        Domain.objects.count(),
        OrganisationKey.objects.count(),
        OrganisationLink.objects.count(),
        AuditEvent.objects.count(),
    )


def test_creating_an_organisation_makes_its_schema_host_keys_and_audit_event(db, world):
    organisation = services.organisation_create(actor=None, name="Cobham College", slug="cobham", kind="provider")

    assert schema_exists("org_cobham")
    assert organisation.get_primary_domain().domain == "cobham.hub.localhost"
    assert set(OrganisationKey.objects.filter(organisation=organisation).values_list("purpose", flat=True)) == {
        "exchange",
        "signing",
    }
    assert AuditEvent.objects.filter(action="organisation.create", organisation_id=organisation.pk).exists()


def test_a_partner_can_be_created_already_validated_by_its_provider(org_a):
    partner = services.organisation_create(
        actor=None, name="Dunmore Partner Institute", slug="dunmore", kind="partner", validated_by=org_a
    )

    assert OrganisationLink.objects.filter(source=org_a, target=partner, kind=LinkKind.VALIDATES).exists()


@pytest.mark.parametrize(
    ("slug", "field", "fragment"),
    [
        ("public", "slug", "reserved"),
        ("www", "slug", "reserved"),
        ("alderley", "slug", "already exists"),
        ("Bad Slug!", "slug", "lower-case letters"),
        ("-edge", "slug", "lower-case letters"),
        ("a", "slug", "lower-case letters"),
    ],
)
def test_bad_slugs_are_rejected_with_a_message_naming_the_field_and_nothing_is_stored(db, world, slug, field, fragment):
    before = _counts()

    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=None, name="Somewhere", slug=slug, kind="provider")

    assert fragment in " ".join(caught.value.message_dict[field])
    assert _counts() == before


def test_an_unknown_kind_and_an_empty_name_are_both_reported(db, world):
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=None, name=" ", slug="fine-slug", kind="castle")

    assert set(caught.value.message_dict) == {"name", "kind"}
    assert not schema_exists("org_fine_slug")


def test_a_partner_cannot_be_validated_by_a_non_provider(partner):
    before = _counts()

    with pytest.raises(ValidationError) as caught:
        services.organisation_create(
            actor=None, name="Elmstead Academy", slug="elmstead", kind="partner", validated_by=partner
        )

    assert "cannot be linked as 'validates'" in caught.value.message_dict["kind"][0]
    assert _counts() == before
    assert not schema_exists("org_elmstead")


def test_a_failure_midway_leaves_no_schema_and_no_rows(db, world, monkeypatch):
    # given: key creation (after the schema and domain exist) fails
    def explode(**kwargs):
        raise RuntimeError("key store unavailable")

    monkeypatch.setattr(services, "organisation_keys_create", explode)
    before = _counts()

    # when
    with pytest.raises(RuntimeError):
        services.organisation_create(actor=None, name="Fenwick College", slug="fenwick", kind="provider")

    # then
    assert not schema_exists("org_fenwick")
    assert _counts() == before
    assert connection.schema_name == "public"


def test_only_a_platform_operator_may_create_organisations(db, world, make_user):
    before = _counts()

    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=make_user(), name="Glenholm", slug="glenholm", kind="provider")

    assert _counts() == before
