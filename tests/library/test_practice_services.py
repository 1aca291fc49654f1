"""Writing, publishing, editing and withdrawing write-ups: rights first, whole write-ups judged, nothing half-saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from library import services
from library.choices import PracticeStatus
from library.models import Practice
from tests.library.conftest import network_member, text, write


def _refused(network, actor, data, **kwargs) -> dict[str, list[str]]:
    with tenant_context(network), pytest.raises(ValidationError) as error:
        services.practice_create(actor=actor, organisation=network, text=data, **kwargs)
    with tenant_context(network):
        assert not Practice.objects.exists()
    return error.value.message_dict


def test_a_write_up_is_attributed_to_the_member_its_author_speaks_for(network, org_a, member):
    author = network_member(member, network, org_a)

    practice = write(author, network)

    assert practice.organisation_id == org_a.pk and practice.status == PracticeStatus.PUBLISHED
    assert practice.published_at is not None
    assert AuditEvent.objects.filter(action="library.practice_published", target_id=str(practice.pk)).count() == 1


def test_someone_speaking_for_two_members_must_say_which(network, org_a, org_b, member):
    from tenants import services as tenant_services

    author = network_member(member, network, org_a)
    tenant_services.membership_grant(actor=None, organisation=org_b, user=author, roles=["reviewer"])

    errors = _refused(network, author, text())
    assert "Alderley University" in errors["speaks_for"][0] and "Brackenford University" in errors["speaks_for"][0]

    with tenant_context(network):
        chosen = services.practice_create(actor=author, organisation=network, text=text(), speaks_for=org_b)
    assert chosen.organisation_id == org_b.pk


def test_one_cannot_write_for_a_member_one_does_not_belong_to(network, org_a, org_b, member):
    author = network_member(member, network, org_a)
    errors = _refused(network, author, text(), speaks_for=org_b)
    assert errors["speaks_for"] == ["Choose the organisation this write-up is from: Alderley University."]


def test_a_coordinator_who_speaks_for_no_member_writes_for_the_network(network, member):
    coordinator = member(network, "coordinator")
    practice = write(coordinator, network)
    assert practice.organisation_id == network.pk


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"title": ""}, "title", "Give the write-up a title"),
        ({"title": "   "}, "title", "Give the write-up a title"),
        ({"title": "\u200b\u200d\ufeff\u00a0"}, "title", "Give the write-up a title"),
        ({"title": "!!! ..."}, "title", "Give the write-up a title"),
        ({"summary": "\u2060\u00ad"}, "summary", "Write a short summary"),
        ({"title": "T" * 201}, "title", "Shorten this to 200 characters or fewer (it has 201)"),
        ({"practice": "word " * 2_500}, "practice", "Shorten this to 10,000 characters or fewer"),
        ({"themes": []}, "themes", "Choose at least one theme."),
        ({"themes": ["welfare", "astrology"]}, "themes", "Unknown theme 'astrology'"),
        ({"contact_role": "jo.bloggs@alderley.example"}, "contact_role", "not a personal email address"),
        ({"contact_role": "Ring 0161 496 0000"}, "contact_role", "phone number"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_the_fix(network, org_a, member, changes, field, says):
    author = network_member(member, network, org_a)
    errors = _refused(network, author, text(**changes), publish=True)
    assert says in " ".join(errors[field])
    assert not AuditEvent.objects.filter(action__startswith="library.").exists()


def test_every_fault_is_reported_at_once(network, org_a, member):
    author = network_member(member, network, org_a)
    errors = _refused(network, author, text(title="", summary="", themes=["x"]))
    assert {"title", "summary", "themes"} <= set(errors)


def test_invisible_characters_are_removed_and_odd_spaces_become_spaces(network, org_a, member):
    author = network_member(member, network, org_a)
    practice = write(
        author, network, title="\ufeffWelfare\u00a0officers\u200b in  every school ", themes=["welfare"] * 2
    )
    assert practice.title == "Welfare officers in every school"
    assert practice.themes == ["welfare"]


def test_a_person_without_the_publish_right_writes_nothing(network, org_a, member):
    organiser = network_member(member, network, org_a, "organiser")
    with tenant_context(network), pytest.raises(PermissionDenied):
        services.practice_create(actor=organiser, organisation=network, text=text())
    with tenant_context(network):
        assert not Practice.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="library.").exists()


def test_a_colleague_speaking_for_the_same_member_may_edit_and_withdraw_but_another_member_may_not(
    network, org_a, org_b, member
):
    author = network_member(member, network, org_a)
    colleague = network_member(member, network, org_a, "safeguarding_officer")
    other = network_member(member, network, org_b)
    practice = write(author, network)

    with tenant_context(network):
        for service in (services.practice_withdraw,):
            with pytest.raises(PermissionDenied):
                service(actor=other, organisation=network, practice=practice)
        with pytest.raises(PermissionDenied):
            services.practice_edit(actor=other, organisation=network, practice=practice, text=text(title="Taken over"))
        practice.refresh_from_db()
        assert practice.title == "Welfare officers in every school" and practice.status == PracticeStatus.PUBLISHED

        services.practice_edit(actor=colleague, organisation=network, practice=practice, text=text(title="Renamed"))
        services.practice_withdraw(actor=colleague, organisation=network, practice=practice)
        practice.refresh_from_db()
    assert practice.title == "Renamed" and practice.status == PracticeStatus.WITHDRAWN
    assert practice.withdrawn_at is not None


def test_a_bad_edit_changes_nothing(network, org_a, member):
    author = network_member(member, network, org_a)
    practice = write(author, network)
    with tenant_context(network):
        with pytest.raises(ValidationError) as error:
            services.practice_edit(
                actor=author, organisation=network, practice=practice, text=text(title="", themes=[])
            )
        assert set(error.value.message_dict) == {"title", "themes"}
        stored = Practice.objects.get(pk=practice.pk)
    assert stored.title == "Welfare officers in every school" and stored.themes == ["welfare"]


def test_publish_and_withdraw_say_when_the_state_does_not_allow_it(network, org_a, member):
    author = network_member(member, network, org_a)
    draft = write(author, network, publish=False)
    with tenant_context(network):
        with pytest.raises(ValidationError) as error:
            services.practice_withdraw(actor=author, organisation=network, practice=draft)
        assert error.value.message_dict == {"status": ["Only a published write-up can be withdrawn."]}
        services.practice_publish(actor=author, organisation=network, practice=draft)
        with pytest.raises(ValidationError) as again:
            services.practice_publish(actor=author, organisation=network, practice=draft)
    assert again.value.message_dict == {"status": ["This write-up is already published."]}
