"""The first real event: a shared check matches one of the recipient's open speaker requests."""

from __future__ import annotations

from django.core import mail
from django.db import transaction
from django_tenants.utils import tenant_context

from notifications.kinds import Kind
from notifications.models import Notification
from sharing import services
from speakers.services import SpeakerDetails
from tenants.models import User
from tests.sharing.conftest import FakeProjection
from tests.speakers.conftest import submit

SPEAKER = "Dr Ngozi Adebayo-Flint"
OTHER = "Prof. Tarquin Oyelaran-Whitcombe"


def _notifications(org):
    with tenant_context(org):
        return list(
            Notification.objects.filter(kind=Kind.CHECK_MATCH)
            .order_by("recipient_id")
            .values_list("recipient_id", "kind", "text", "url")
        )


def _open_request(org, organiser, name=SPEAKER):
    with tenant_context(org):
        return submit(organiser, speakers=[SpeakerDetails(name=name, affiliation="", topic="Housing")])


def test_a_check_matching_an_open_request_notifies_the_recipients_searchers_without_naming_the_speaker(
    org_a, org_b, member, drafting_active, django_capture_on_commit_callbacks
):
    lead_b, organiser_b, auditor_b = member(org_b, "prevent_lead"), member(org_b, "organiser"), member(org_b, "auditor")
    request = _open_request(org_b, organiser_b)

    mail.outbox.clear()  # only what the share sends
    with django_capture_on_commit_callbacks(execute=True):
        # a variant of the name, as the exchange search would find it
        services.check_share(actor=None, source=org_a, projection=FakeProjection(7, ("ngozi adebayo flint",)))

    found = _notifications(org_b)
    recipients = [row[0] for row in found]
    assert {row[1:] for row in found} == {
        (
            Kind.CHECK_MATCH,
            "Alderley University shared a speaker check that matches an open speaker request",
            f"/speakers/{request.pk}/",
        )
    }
    assert lead_b.pk in recipients
    assert auditor_b.pk not in recipients and organiser_b.pk not in recipients  # not searchers of the exchange
    assert _notifications(org_a) == []
    # check matches default to one email each, to exactly those notified
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        User.objects.filter(pk__in=recipients).values_list("email", flat=True)
    )
    for message in mail.outbox:
        for part in ("Ngozi", "Adebayo", "Flint"):
            assert part not in message.subject and part not in message.body


def test_no_match_no_notification_and_a_decided_request_is_not_open(
    org_a, org_b, member, drafting_active, django_capture_on_commit_callbacks
):
    member(org_b, "prevent_lead")
    organiser_b = member(org_b, "organiser")
    _open_request(org_b, organiser_b, name=OTHER)

    with django_capture_on_commit_callbacks(execute=True):
        services.check_share(actor=None, source=org_a, projection=FakeProjection(8, (SPEAKER,)))

    assert _notifications(org_b) == []


def test_an_organisation_without_an_agreement_hears_nothing(
    org_a, org_b, partner, member, drafting_active, django_capture_on_commit_callbacks
):
    member(partner, "prevent_lead")
    _open_request(partner, member(partner, "organiser"))

    with django_capture_on_commit_callbacks(execute=True):
        services.check_share(actor=None, source=org_a, projection=FakeProjection(9, (SPEAKER,)))

    assert _notifications(partner) == []


def test_a_rolled_back_share_notifies_nobody(org_a, org_b, member, drafting_active, django_capture_on_commit_callbacks):
    member(org_b, "prevent_lead")
    _open_request(org_b, member(org_b, "organiser"))

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.check_share(actor=None, source=org_a, projection=FakeProjection(10, (SPEAKER,)))
                raise RuntimeError("the decision failed")
        except RuntimeError:
            pass

    assert callbacks == []
    with tenant_context(org_b):
        assert not Notification.objects.filter(kind=Kind.CHECK_MATCH).exists()
    assert mail.outbox == []


def test_two_matching_checks_make_one_notification_per_request(
    org_a, org_b, member, drafting_active, django_capture_on_commit_callbacks
):
    lead_b = member(org_b, "prevent_lead")
    organiser_b = member(org_b, "organiser")
    with tenant_context(org_b):
        request = submit(
            organiser_b,
            speakers=[
                SpeakerDetails(name=SPEAKER, affiliation="", topic="Housing"),
                SpeakerDetails(name=OTHER, affiliation="", topic="Transport"),
            ],
        )

    with django_capture_on_commit_callbacks(execute=True):
        services.check_share(actor=None, source=org_a, projection=FakeProjection(11, (SPEAKER, OTHER)))

    found = _notifications(org_b)
    assert lead_b.pk in [row[0] for row in found]
    assert len(found) == len({row[0] for row in found})  # one each
    assert {row[1:] for row in found} == {
        (
            Kind.CHECK_MATCH,
            "Alderley University shared 2 speaker checks that match an open speaker request",
            f"/speakers/{request.pk}/",
        )
    }


def test_only_searchers_who_may_see_the_request_are_told_and_a_closed_request_is_not_matched(
    org_a, org_b, member, drafting_active, django_capture_on_commit_callbacks
):
    lead_b, senior_b = member(org_b, "prevent_lead"), member(org_b, "senior_decision_maker")
    organiser_b = member(org_b, "organiser")
    request = _open_request(org_b, organiser_b)
    closed = _open_request(org_b, organiser_b)
    with tenant_context(org_b):
        from speakers import services as speaker_services

        speaker_services.event_request_withdraw(actor=organiser_b, event_request=closed, reason="Cancelled.")

    with django_capture_on_commit_callbacks(execute=True):
        services.check_share(actor=None, source=org_a, projection=FakeProjection(12, (SPEAKER,)))

    found = _notifications(org_b)
    # the senior decision-maker searches the exchange, but sees only requests escalated to them
    assert lead_b.pk in [row[0] for row in found] and senior_b.pk not in [row[0] for row in found]
    assert {row[3] for row in found} == {f"/speakers/{request.pk}/"}
