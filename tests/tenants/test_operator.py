"""Platform operators create and link organisations, on a page and with manage.py."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django_tenants.utils import schema_exists

from core.models import AuditEvent
from tenants.models import Invitation, LinkKind, Membership, Organisation, OrganisationLink, Role
from tests.html_text import visible_text


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
            "first_admin_email": "leila.haddad@harrowgate.example",
        },
    )

    assert response.status_code == 302
    created = Organisation.objects.get(slug="harrowgate")
    assert schema_exists("org_harrowgate")
    assert OrganisationLink.objects.filter(source=org_a, target=created, kind=LinkKind.VALIDATES).exists()


def test_a_reserved_slug_on_the_page_is_shown_beside_the_field_and_nothing_is_made(db, world, operator, client_on):
    count = Organisation.objects.count()

    response = client_on(None, operator).post(
        "/operator/organisations/",
        {
            "create": "1",
            "name": "Public Thing",
            "slug": "public",
            "kind": "provider",
            "first_admin_email": "someone@public.example",
        },
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

    call_command(
        "organisation_create",
        "ivybridge",
        "Ivybridge College",
        "--kind",
        "provider",
        "--admin-email",
        "chidi.obi@ivybridge.example",
        stdout=out,
    )

    assert "ivybridge.hub.localhost" in out.getvalue()
    assert "send chidi.obi@ivybridge.example this invitation link" in out.getvalue()
    assert Organisation.objects.filter(slug="ivybridge", kind="provider").exists()


def test_the_command_explains_a_duplicate_slug_and_an_unknown_provider(db, world):
    with pytest.raises(CommandError, match="slug: An organisation with the slug 'alderley' already exists"):
        call_command("organisation_create", "alderley", "Again", "--kind", "provider", "--admin-email", "a@b.example")
    with pytest.raises(CommandError, match="--validated-by: no organisation has the slug 'nowhere'"):
        call_command(
            "organisation_create",
            "jura",
            "Jura College",
            "--kind",
            "partner",
            "--validated-by",
            "nowhere",
            "--admin-email",
            "a@jura.example",
        )
    assert not Organisation.objects.filter(slug="jura").exists()


def test_the_link_command_links_and_refuses_a_partner_as_validator(partner, org_b, network):
    call_command("organisation_link", "alderley-college", "member_of", "northern-network", stdout=io.StringIO())

    with pytest.raises(CommandError, match="cannot be linked as 'validates'"):
        call_command("organisation_link", "alderley-college", "validates", "brackenford")

    assert OrganisationLink.objects.filter(source=partner, target=network, kind="member_of").exists()


# --- A new organisation gets its first admin (issue 9 §6) ---


NEW_ORG = {"create": "1", "name": "Kingsmere College", "slug": "kingsmere", "kind": "provider"}


def test_an_operator_creates_an_organisation_and_its_first_admin_accepts_and_runs_it(
    db, world, operator, client_on, django_capture_on_commit_callbacks
):
    # given: the operator creates an organisation, naming its first admin
    with django_capture_on_commit_callbacks(execute=True):
        created = client_on(None, operator).post(
            "/operator/organisations/", {**NEW_ORG, "first_admin_email": "Zainab.Mwangi@Kingsmere.example"}, follow=True
        )
    page = visible_text(created)
    (link,) = re.findall(r"http://hub\.localhost/invitations/[\w-]+/", page)

    # then: the page shows the link, and (email configured: locmem in tests) it was emailed
    assert "Created Kingsmere College at kingsmere.hub.localhost" in page
    assert "send zainab.mwangi@kingsmere.example this link to become its first admin" in page
    assert "We emailed it to zainab.mwangi@kingsmere.example" in page
    (email,) = mail.outbox
    assert email.to == ["zainab.mwangi@kingsmere.example"] and link in email.body
    invitation = Invitation.objects.get(organisation__slug="kingsmere")
    assert invitation.roles == [Role.ORG_ADMIN] and invitation.invited_by == operator
    assert link.split("/")[-2] not in invitation.token_hash  # only the hash is stored

    # when: the person opens the link and accepts with a new account
    accepted = client_on(None).post(
        link.replace("http://hub.localhost", ""), {"full_name": "Zainab Mwangi", "password": "a-long-pass-2026!"}
    )

    # then: they are the organisation admin on its own host, and can invite colleagues
    assert accepted.status_code == 302
    kingsmere = Organisation.objects.get(slug="kingsmere")
    admin = Membership.objects.get(organisation=kingsmere, user__email="zainab.mwangi@kingsmere.example")
    assert admin.roles == [Role.ORG_ADMIN]
    people = client_on(kingsmere, admin.user).get("/people/")
    assert people.status_code == 200 and "Zainab Mwangi" in visible_text(people)
    invited = client_on(kingsmere, admin.user).post(
        "/people/", {"email": "colleague@kingsmere.example", "roles": ["prevent_lead"]}
    )
    assert invited.status_code == 302
    assert Invitation.objects.filter(organisation=kingsmere, email="colleague@kingsmere.example").exists()


@override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
def test_without_email_configured_the_operator_is_told_to_send_the_link_and_nothing_is_emailed(
    db, world, operator, client_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = client_on(None, operator).post(
            "/operator/organisations/", {**NEW_ORG, "first_admin_email": "ravi.menon@kingsmere.example"}, follow=True
        )

    page = visible_text(created)
    assert "No email is sent from here; send ravi.menon@kingsmere.example this link" in page
    assert re.search(r"http://hub\.localhost/invitations/[\w-]+/", page)
    assert mail.outbox == []


BAD_FIRST_ADMINS = {
    "missing": "",
    "no at sign": "zainab.kingsmere.example",
    "no domain dot": "zainab@kingsmere",
    "spaces": "zainab mwangi@kingsmere.example",
}


@pytest.mark.parametrize("bad", BAD_FIRST_ADMINS, ids=list(BAD_FIRST_ADMINS))
def test_a_bad_first_admin_email_is_named_and_nothing_is_created(bad, db, world, operator, client_on):
    organisations, invitations = Organisation.objects.count(), Invitation.objects.count()

    response = client_on(None, operator).post(
        "/operator/organisations/", {**NEW_ORG, "first_admin_email": BAD_FIRST_ADMINS[bad]}
    )

    assert response.status_code == 400
    assert response.context["create_form"].errors["first_admin_email"]
    assert "First admin's email address" in visible_text(response)
    assert Organisation.objects.count() == organisations and Invitation.objects.count() == invitations
    assert not schema_exists("org_kingsmere")


@pytest.mark.parametrize("bad", BAD_FIRST_ADMINS, ids=list(BAD_FIRST_ADMINS))
def test_the_service_refuses_a_bad_first_admin_email_with_a_bad_slug_too_and_creates_nothing(bad, db, world):
    from django.core.exceptions import ValidationError

    from tenants.services import organisation_onboard

    with pytest.raises(ValidationError) as refused:
        organisation_onboard(
            actor=None,
            name="Kingsmere College",
            slug="www",
            kind="provider",
            first_admin_email=BAD_FIRST_ADMINS[bad],
            site_url="http://hub.localhost:8000",
        )

    assert set(refused.value.message_dict) == {"slug", "first_admin_email"}
    assert not Organisation.objects.filter(name="Kingsmere College").exists()
    assert not AuditEvent.objects.filter(action="organisation.create", detail__slug="www").exists()


def test_the_command_prints_the_first_admins_link_which_works(db, world, client_on):
    out = io.StringIO()

    call_command(
        "organisation_create",
        "lowfield",
        "Lowfield Partner College",
        "--kind",
        "partner",
        "--validated-by",
        "alderley",
        "--admin-email",
        "tevita.fifita@lowfield.example",
        "--site-url",
        "https://hub.example.ac.uk",
        stdout=out,
    )
    (link,) = re.findall(r"https://hub\.example\.ac\.uk/invitations/[\w-]+/", out.getvalue())
    accepted = client_on(None).post(
        link.replace("https://hub.example.ac.uk", ""), {"full_name": "Tevita Fifita", "password": "a-long-pass-2026!"}
    )

    assert accepted.status_code == 302
    assert Membership.objects.get(user__email="tevita.fifita@lowfield.example").roles == [Role.ORG_ADMIN]
    assert Invitation.objects.get(email="tevita.fifita@lowfield.example").invited_by is None


def test_the_command_names_a_bad_admin_email_and_creates_nothing(db, world):
    with pytest.raises(CommandError, match="--admin-email: Enter the email address"):
        call_command("organisation_create", "marlow", "Marlow College", "--kind", "provider", "--admin-email", "no")

    assert not Organisation.objects.filter(slug="marlow").exists()


def test_the_operator_page_has_no_duplicate_ids_and_every_hint_is_linked(db, world, operator, client_on):
    html = client_on(None, operator).get("/operator/organisations/").content.decode()

    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert 'id="create_kind"' in html and 'id="link_kind"' in html
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        for target in described.split():
            assert f'id="{target}"' in html, target
