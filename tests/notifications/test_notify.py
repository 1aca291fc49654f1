"""The one helper: who is notified, what is kept, what is emailed, and what a rollback leaves."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django_tenants.utils import schema_context

from notifications import services
from notifications.kinds import Delivery, Kind
from notifications.models import Notification
from tenants.scopes import Scope


def _in(org):
    with schema_context(org.schema_name):
        return list(Notification.objects.order_by("recipient_id").values_list("recipient_id", "kind"))


def test_only_people_holding_the_scope_now_are_notified_and_it_is_kept_in_their_organisation(
    org_a, org_b, member, django_capture_on_commit_callbacks
):
    lead = member(org_a, "prevent_lead")
    signatory = member(org_a, "signatory")
    elsewhere = member(org_b, "prevent_lead")

    with django_capture_on_commit_callbacks(execute=True):
        stored = services.notify(
            Kind.AGREEMENT_TO_SIGN, organisation=org_a, scope=Scope.AGREEMENTS_SIGN,
            text="An agreement with Eastbrook awaits signature", url="/agreements/1/",
        )  # fmt: skip

    assert [n.recipient_id for n in stored] == [signatory.pk]
    assert _in(org_a) == [(signatory.pk, Kind.AGREEMENT_TO_SIGN)]
    assert _in(org_b) == []
    assert lead.pk != signatory.pk and elsewhere.pk not in [n.recipient_id for n in stored]
    assert [m.to for m in mail.outbox] == [[signatory.email]]  # to-sign defaults to one email each
    assert "/agreements/1/" in mail.outbox[0].body


def test_a_rolled_back_change_stores_nothing_sends_nothing_and_emails_nothing(
    org_a, member, django_capture_on_commit_callbacks
):
    member(org_a, "signatory")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.notify(
                Kind.AGREEMENT_TO_SIGN, organisation=org_a, scope=Scope.AGREEMENTS_SIGN,
                text="An agreement awaits signature", url="/agreements/1/",
            )  # fmt: skip
            raise RuntimeError("the change failed")

    assert callbacks == []
    assert _in(org_a) == []
    assert mail.outbox == []


def test_digest_collects_waiting_notifications_into_one_email_and_skips_people_who_lost_the_role(
    org_a, member, django_capture_on_commit_callbacks
):
    from notifications import delivery
    from tenants import services as tenant_services
    from tenants.models import Membership

    keeps = member(org_a, "prevent_lead")
    loses = member(org_a, "prevent_lead")
    with schema_context(org_a.schema_name):
        for person in (keeps, loses):
            services.preferences_set(person, {Kind.AGREEMENT_CHANGED: Delivery.DIGEST})
    for n in range(2):
        services.notify(
            Kind.AGREEMENT_CHANGED, organisation=org_a, scope=Scope.AGREEMENTS_READ,
            text=f"Agreement {n} was suspended by Eastbrook University", url=f"/agreements/{n}/",
        )  # fmt: skip
    admin = member(org_a, "org_admin")
    tenant_services.membership_remove(actor=admin, membership=Membership.objects.get(organisation=org_a, user=loses))

    with schema_context(org_a.schema_name):
        sent = delivery.digest()

    assert sent == 1
    assert [m.to for m in mail.outbox] == [[keeps.email]]
    assert "Agreement 0" in mail.outbox[0].body and "Agreement 1" in mail.outbox[0].body
    with schema_context(org_a.schema_name):
        assert delivery.digest() == 0  # nothing twice


def test_a_key_notifies_each_person_once(org_a, member):
    member(org_a, "prevent_lead")
    for _ in range(3):
        services.notify(
            Kind.ACTION_DUE, organisation=org_a, scope=Scope.ORG_READ, text="An action is due today",
            url="/risks/", key="action:7:2026-12-01",
        )  # fmt: skip
    assert len(_in(org_a)) == 1


@pytest.mark.parametrize("text", ["", "   ", "x" * 201])
def test_text_must_be_short_and_present(org_a, text):
    with pytest.raises(ValueError, match="text"):
        services.notify(Kind.ACTION_DUE, organisation=org_a, scope=Scope.ORG_READ, text=text, url="/")


@pytest.mark.parametrize("url", ["https://elsewhere.example/", "//elsewhere.example/", "agreements/"])
def test_url_must_be_a_path_on_the_host(org_a, url):
    with pytest.raises(ValueError, match="url"):
        services.notify(Kind.ACTION_DUE, organisation=org_a, scope=Scope.ORG_READ, text="An action is due", url=url)


def test_the_live_unread_count_is_the_count_the_header_shows_after_a_reload(org_a, member, monkeypatch):
    """A notification the centre hides (its object right gone) is counted neither live nor after a reload."""
    lead = member(org_a, "prevent_lead")
    monkeypatch.setitem(services._OBJECT_CHECKS, Kind.ESCALATED, lambda user, object_id: object_id != 13)
    with schema_context(org_a.schema_name):
        Notification.objects.create(
            recipient=lead, kind=Kind.ESCALATED, scope=Scope.ORG_READ, text="gone", url="/", object_id=13
        )
        Notification.objects.create(
            recipient=lead, kind=Kind.ESCALATED, scope=Scope.ORG_READ, text="still yours", url="/", object_id=14
        )
    sent = []
    monkeypatch.setattr(services, "send_after_commit", lambda group, message: sent.append(message))

    services.notify(
        Kind.ACTION_DUE, organisation=org_a, scope=Scope.ORG_READ, text="An action is due", url="/", users=[lead.pk]
    )

    from tenants.models import Membership

    membership = Membership.objects.get(organisation=org_a, user=lead)
    with schema_context(org_a.schema_name):
        header = services.unread_count(membership)
    assert header == 2  # "still yours" and the new one; not "gone"
    assert [m["payload"]["unread"] for m in sent] == [header]
