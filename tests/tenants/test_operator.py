"""Platform operators create and link organisations, on a page and with manage.py."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_exists

from tenants.models import LinkKind, Organisation, OrganisationLink


@pytest.fixture
def operator(make_user):
    return make_user(is_staff=True)


def test_an_operator_creates_a_partner_validated_by_a_provider_on_the_page(org_a, operator, client_on):
    response = client_on(None, operator).post(
        "/operator/organisations/",
        {
            "create": "1",
            "name": "Harrowgate Partner College",
            "slug": "harrowgate",
            "kind": "partner",
            "validated_by": org_a.pk,
        },
    )

    assert response.status_code == 302
    created = Organisation.objects.get(slug="harrowgate")
    assert schema_exists("org_harrowgate")
    assert OrganisationLink.objects.filter(source=org_a, target=created, kind=LinkKind.VALIDATES).exists()


def test_a_reserved_slug_on_the_page_is_shown_beside_the_field_and_nothing_is_made(db, world, operator, client_on):
    count = Organisation.objects.count()

    response = client_on(None, operator).post(
        "/operator/organisations/", {"create": "1", "name": "Public Thing", "slug": "public", "kind": "provider"}
    )

    assert response.status_code == 400
    assert "reserved" in response.context["create_form"].errors["slug"][0]
    assert Organisation.objects.count() == count


def test_someone_who_is_not_an_operator_gets_403(org_a, member, client_on):
    ada = member(org_a, "org_admin")

    response = client_on(None, ada).post(
        "/operator/organisations/", {"create": "1", "name": "Sneaky", "slug": "sneaky", "kind": "provider"}
    )

    assert response.status_code == 403
    assert not Organisation.objects.filter(slug="sneaky").exists()


def test_an_operator_links_two_organisations_and_a_wrong_link_is_explained(org_a, org_b, network, operator, client_on):
    client = client_on(None, operator)

    wrong = client.post(
        "/operator/organisations/", {"link": "1", "source": org_b.pk, "kind": "validates", "target": org_a.pk}
    )
    duplicate = client.post(
        "/operator/organisations/", {"link": "1", "source": org_a.pk, "kind": "member_of", "target": network.pk}
    )

    assert wrong.status_code == 400
    assert "validates" in wrong.context["link_form"].errors["kind"][0]
    assert duplicate.status_code == 400
    assert "already" in duplicate.context["link_form"].errors["target"][0]
    assert not OrganisationLink.objects.filter(source=org_b, target=org_a).exists()


def test_the_command_creates_an_organisation(db, world):
    out = io.StringIO()

    call_command("organisation_create", "ivybridge", "Ivybridge College", "--kind", "provider", stdout=out)

    assert "ivybridge.hub.localhost" in out.getvalue()
    assert Organisation.objects.filter(slug="ivybridge", kind="provider").exists()


def test_the_command_explains_a_duplicate_slug_and_an_unknown_provider(db, world):
    with pytest.raises(CommandError, match="slug: An organisation with the slug 'alderley' already exists"):
        call_command("organisation_create", "alderley", "Again", "--kind", "provider")
    with pytest.raises(CommandError, match="--validated-by: no organisation has the slug 'nowhere'"):
        call_command("organisation_create", "jura", "Jura College", "--kind", "partner", "--validated-by", "nowhere")
    assert not Organisation.objects.filter(slug="jura").exists()


def test_the_link_command_links_and_refuses_a_partner_as_validator(partner, org_b, network):
    call_command("organisation_link", "alderley-college", "member_of", "northern-network", stdout=io.StringIO())

    with pytest.raises(CommandError, match="cannot be linked as 'validates'"):
        call_command("organisation_link", "alderley-college", "validates", "brackenford")

    assert OrganisationLink.objects.filter(source=partner, target=network, kind="member_of").exists()
