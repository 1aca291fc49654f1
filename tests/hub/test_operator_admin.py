"""The Django admin on the public site: platform operators only, second factor passed, every change audited."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from agreements.models import Agreement
from core.models import AuditEvent
from hub.admin import site
from sharing.models import ChannelKey, Envelope, EnvelopeKey, NameToken, SharedCheck
from tenants.models import ApiToken, Membership, Organisation, OrganisationKey, Role, User
from tests.conftest import host_of
from tests.factories import second_factor_device


@pytest.fixture
def operator(make_user) -> User:
    return make_user(is_staff=True)


def test_nobody_signed_in_is_sent_to_the_hubs_own_sign_in_page(db, world):
    response = Client(HTTP_HOST=host_of(None)).get("/admin/")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/login/"


def test_a_member_who_is_no_operator_is_refused_everywhere_in_the_admin(org_a, member, client_on):
    # given: someone holding every role in an organisation, second factor passed
    person = member(org_a, *Role.values)
    client = client_on(None, person)

    # when
    pages = [client.get(url) for url in ("/admin/", "/admin/login/", "/admin/tenants/organisation/")]
    rename = client.post(f"/admin/tenants/organisation/{org_a.pk}/change/", {"name": "Renamed"})

    # then
    assert [r.status_code for r in pages] == [403, 403, 403]
    assert rename.status_code == 403
    org_a.refresh_from_db()
    assert org_a.name == "Alderley University"
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()


def test_an_organisations_host_does_not_serve_the_admin(org_a, operator, client_on):
    response = client_on(org_a, operator).get("/admin/")

    assert response.status_code == 404


def test_an_operator_without_the_second_factor_is_sent_to_the_code_step(operator, client_on):
    second_factor_device(operator)  # enrolled, but this session has not passed the code step
    client = client_on(None, operator, verified=False)

    response = client.get("/admin/tenants/organisation/")

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/login/code/"
    assert "admin" in location.query


def test_the_site_itself_refuses_an_unverified_operator(rf, operator):
    # Behind the middleware as well: has_permission asks for the verified second factor.
    request = rf.get("/admin/")
    request.user = operator
    operator.is_verified = lambda: False

    assert site.has_permission(request) is False


def test_an_operator_renames_an_organisation_and_an_audit_event_names_the_field_not_the_value(
    org_a, operator, client_on
):
    client = client_on(None, operator)

    response = client.post(f"/admin/tenants/organisation/{org_a.pk}/change/", {"name": "Alderley Metropolitan"})

    assert response.status_code == 302, response.content[:500]
    org_a.refresh_from_db()
    assert org_a.name == "Alderley Metropolitan"
    event = AuditEvent.objects.get(action="admin.change")
    assert (event.actor_id, event.organisation_id) == (operator.pk, org_a.pk)
    assert (event.target_type, event.target_id) == ("tenants.organisation", str(org_a.pk))
    assert event.detail == {"model": "tenants.organisation", "fields": ["name"]}
    assert "Metropolitan" not in str(event.detail) and "Metropolitan" not in event.actor_label


def test_the_schema_and_host_label_of_an_organisation_cannot_be_changed_here(org_a, operator, client_on):
    client = client_on(None, operator)
    before = (org_a.slug, org_a.schema_name, org_a.kind)

    response = client.post(
        f"/admin/tenants/organisation/{org_a.pk}/change/",
        {"name": org_a.name, "slug": "hijack", "schema_name": "public", "kind": "network"},
    )

    assert response.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.slug, org_a.schema_name, org_a.kind) == before == ("alderley", "org_alderley", "provider")
    assert not AuditEvent.objects.filter(action="admin.change").exists()  # nothing it may change changed


def test_an_operator_changes_a_persons_roles_and_it_is_audited(org_a, member, operator, client_on):
    person = member(org_a, "reviewer")
    membership = Membership.objects.get(user=person, organisation=org_a)

    response = client_on(None, operator).post(
        f"/admin/tenants/membership/{membership.pk}/change/", {"roles": "reviewer,prevent_lead"}
    )

    assert response.status_code == 302, response.content[:500]
    membership.refresh_from_db()
    assert sorted(membership.roles) == ["prevent_lead", "reviewer"]
    event = AuditEvent.objects.get(action="admin.change", target_type="tenants.membership")
    assert event.organisation_id == org_a.pk and event.detail["fields"] == ["roles"]


def test_removing_a_membership_revokes_the_persons_tokens_there_and_is_audited(org_a, member, operator, client_on):
    from tenants import services

    person = member(org_a, "reviewer")
    services.api_token_create(actor=person, organisation=org_a, name="script")
    membership = Membership.objects.get(user=person, organisation=org_a)

    response = client_on(None, operator).post(f"/admin/tenants/membership/{membership.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302, response.content[:500]
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not ApiToken.objects.filter(user=person, organisation=org_a, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="admin.delete", target_id=str(membership.pk)).count() == 1


def test_the_person_page_shows_no_password_and_takes_none(org_a, member, operator, client_on):
    person = member(org_a, "reviewer")
    before = User.objects.get(pk=person.pk).password
    client = client_on(None, operator)

    page = client.get(f"/admin/tenants/user/{person.pk}/change/")
    client.post(
        f"/admin/tenants/user/{person.pk}/change/",
        {"email": person.email, "full_name": person.full_name, "is_active": "on", "password": "md5$x$y"},
    )

    assert page.status_code == 200
    assert before not in page.content.decode() and 'name="password"' not in page.content.decode()
    assert User.objects.get(pk=person.pk).password == before


@pytest.fixture
def agreement(member, org_a, org_b) -> Agreement:
    from tests.agreements.conftest import Drafting

    return Drafting(member).active([org_a, org_b])


def test_agreements_are_read_only_the_change_page_refuses_a_post(agreement, operator, client_on):
    client = client_on(None, operator)
    url = f"/admin/agreements/agreement/{agreement.pk}/change/"

    page = client.get(url)
    post = client.post(url, {"title": "Rewritten"})
    add = client.get("/admin/agreements/agreement/add/")
    delete = client.post(f"/admin/agreements/agreement/{agreement.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200 and agreement.title in page.content.decode()
    assert (post.status_code, add.status_code, delete.status_code) == (403, 403, 403)
    agreement.refresh_from_db()
    assert agreement.title != "Rewritten"
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()


def test_audit_events_are_read_only(org_a, operator, client_on):
    event = AuditEvent.objects.filter(organisation_id=org_a.pk).first()
    client = client_on(None, operator)

    post = client.post(f"/admin/core/auditevent/{event.pk}/change/", {"action": "forged"})
    delete = client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"})

    assert (post.status_code, delete.status_code) == (403, 403)
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_a_signatures_page_shows_no_signature_bytes(agreement, operator, client_on):
    signature = agreement.current_version.signatures.first()
    page = client_on(None, operator).get(f"/admin/agreements/signature/{signature.pk}/change/")

    assert page.status_code == 200
    text = page.content.decode()
    assert signature.signer_name in text
    assert bytes(signature.signature).hex() not in text and "signature</label>" not in text.lower()


def test_nothing_sealed_or_keyed_is_registered_and_no_registered_model_shows_a_binary_field(db):
    # given
    sealed = {SharedCheck, Envelope, EnvelopeKey, ChannelKey, NameToken, OrganisationKey, ApiToken}

    # then: none of them is in the admin at all
    assert not sealed & set(site._registry)
    # and no admin names a binary field, or one holding keys or wrapped bytes
    for model, model_admin in site._registry.items():
        for name in model_admin.fields:
            field = model._meta.get_field(name)
            assert field.get_internal_type() != "BinaryField", (model, name)
            assert not {"wrapped", "private", "secret", "sealed", "mac", "password"} & set(name.split("_")), (
                model,
                name,
            )


def test_every_admin_page_an_operator_opens_answers(org_a, agreement, operator, client_on):
    client = client_on(None, operator)
    pages = ["/admin/", "/admin/tenants/", "/admin/agreements/", "/admin/core/"]
    for model in site._registry:
        meta = model._meta
        pages.append(f"/admin/{meta.app_label}/{meta.model_name}/")
        first = model.objects.first()
        if first is not None:
            pages.append(f"/admin/{meta.app_label}/{meta.model_name}/{first.pk}/change/")

    answers = {url: client.get(url).status_code for url in pages}

    assert {url: status for url, status in answers.items() if status != 200} == {}
    assert Organisation.objects.filter(pk=org_a.pk).exists()


def test_an_operator_adds_a_host_name_stored_lower_case_and_audited_in_the_organisations_chain(
    org_a, operator, client_on
):
    from tenants.models import Domain

    response = client_on(None, operator).post(
        "/admin/tenants/domain/add/", {"domain": " Alderley-Alt.hub.localhost ", "tenant": org_a.pk}
    )

    assert response.status_code == 302, response.content[:500]
    domain = Domain.objects.get(domain="alderley-alt.hub.localhost")
    assert domain.tenant_id == org_a.pk
    event = AuditEvent.objects.get(action="admin.add", target_type="tenants.domain")
    assert (event.organisation_id, event.target_id) == (org_a.pk, str(domain.pk))
    # is_primary defaults to True; the form sent it unticked, so it changed too
    assert event.detail == {"model": "tenants.domain", "fields": ["domain", "is_primary", "tenant"]}


def test_a_link_the_rules_forbid_is_refused_with_the_reason_and_nothing_is_written(org_a, org_b, operator, client_on):
    from tenants.models import OrganisationLink

    before = OrganisationLink.objects.count()

    # a provider cannot "validate" another provider (tenants.services.LINK_RULES)
    response = client_on(None, operator).post(
        "/admin/tenants/organisationlink/add/", {"source": org_a.pk, "kind": "validates", "target": org_b.pk}
    )

    assert response.status_code == 200
    assert "cannot be linked" in response.content.decode()
    assert OrganisationLink.objects.count() == before
    assert not AuditEvent.objects.filter(action__in=["admin.add", "organisation.link"], actor_id=operator.pk).exists()


def test_the_last_organisation_admin_keeps_the_role_and_nothing_is_audited(org_a, member, operator, client_on):
    # given: the only org_admin of Alderley (the session's organisations have none of their own)
    Membership.objects.filter(organisation=org_a, roles__contains=[Role.ORG_ADMIN]).delete()
    admin_person = member(org_a, "org_admin")
    membership = Membership.objects.get(user=admin_person, organisation=org_a)

    response = client_on(None, operator).post(
        f"/admin/tenants/membership/{membership.pk}/change/", {"roles": "reviewer"}
    )

    assert response.status_code == 200
    assert "last organisation admin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.roles == ["org_admin"]
    assert not AuditEvent.objects.filter(action="admin.change").exists()


def test_disabling_an_account_here_is_audited_by_field_name(org_a, member, operator, client_on):
    person = member(org_a, "reviewer")

    response = client_on(None, operator).post(
        f"/admin/tenants/user/{person.pk}/change/", {"email": person.email, "full_name": person.full_name}
    )

    assert response.status_code == 302, response.content[:500]
    assert User.objects.get(pk=person.pk).is_active is False
    event = AuditEvent.objects.get(action="admin.change", target_type="tenants.user")
    assert event.organisation_id is None and event.detail["fields"] == ["is_active"]


def test_the_admin_index_names_every_model_in_plain_english(operator, client_on):
    # when: an operator opens the admin's index
    page = client_on(None, operator).get("/admin/").content.decode()

    # then: plurals read as English ("Agreement parties", never Django's default "Agreement partys")
    assert "Agreement parties" in page
    assert "partys" not in page.lower()


def test_the_last_organisation_admin_cannot_be_deleted_here_either(org_a, member, operator, client_on):
    # given: the only org_admin of Alderley
    Membership.objects.filter(organisation=org_a, roles__contains=[Role.ORG_ADMIN]).delete()
    admin_person = member(org_a, "org_admin")
    membership = Membership.objects.get(user=admin_person, organisation=org_a)

    # when: an operator deletes that membership (the service, membership_remove, refuses this)
    response = client_on(None, operator).post(f"/admin/tenants/membership/{membership.pk}/delete/", {"post": "yes"})

    # then: refused, the organisation keeps its admin, nothing is audited
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.filter(action="admin.delete").exists()


def test_a_host_name_is_never_moved_to_another_organisation_here(org_a, org_b, operator, client_on):
    from tenants.models import Domain

    # given: Alderley's own host name
    domain = Domain.objects.get(tenant=org_a, is_primary=True)

    # when: an operator's change form names Brackenford as its organisation
    response = client_on(None, operator).post(
        f"/admin/tenants/domain/{domain.pk}/change/",
        {"domain": domain.domain, "tenant": org_b.pk, "is_primary": "on"},
    )

    # then: the host still serves Alderley (Brackenford's people never get Alderley's address, and
    # Alderley's chain never misses the move): remove one and add another instead
    assert response.status_code in (200, 302)
    domain.refresh_from_db()
    assert domain.tenant_id == org_a.pk
    assert not AuditEvent.objects.filter(action="admin.change", detail__fields__contains=["tenant"]).exists()
