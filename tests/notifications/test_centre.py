"""The notification centre a person sees: their own list, newest first, read and unread, and the header count."""

from __future__ import annotations

import re
from html import unescape

from django_tenants.utils import schema_context

from notifications import services
from notifications.kinds import Delivery, Kind
from notifications.models import Notification
from notifications.views import safe_target
from tenants import services as tenant_services
from tenants.models import Membership


def _items(html: str) -> list[str]:
    return re.findall(
        r'<li class="notification[^"]*"[^>]*>\s*(?:<strong class="state">Unread:</strong> )?<a [^>]*>([^<]*)</a>', html
    )


def _count(html: str) -> str:
    return re.search(r'data-testid="unread-count">(\d+)<', html).group(1)


def test_the_centre_lists_my_notifications_newest_first_with_unread_ones_said_in_words(
    org_a, org_b, member, client_on, notify_n
):
    lead = member(org_a, "prevent_lead")
    member(org_b, "prevent_lead")
    notify_n(org_a, 3)
    notify_n(org_b, 1, text="Elsewhere {i}")

    html = client_on(org_a, lead).get("/notifications/").content.decode()

    assert _items(html) == ["Agreement 3 was suspended", "Agreement 2 was suspended", "Agreement 1 was suspended"]
    assert html.count('<strong class="state">Unread:</strong>') == 3
    assert "3 unread of 3" in html
    assert "Elsewhere" not in html
    assert 'aria-label="Notifications, 3 unread"' in html and _count(html) == "3"


def test_the_centre_is_paginated_twenty_a_page(org_a, member, client_on, notify_n):
    lead = member(org_a, "prevent_lead")
    notify_n(org_a, 23)
    client = client_on(org_a, lead)

    first = client.get("/notifications/").content.decode()
    second = client.get("/notifications/?page=2").content.decode()

    assert len(_items(first)) == 20 and _items(first)[0] == "Agreement 23 was suspended"
    assert _items(second) == ["Agreement 3 was suspended", "Agreement 2 was suspended", "Agreement 1 was suspended"]
    assert "Page 2 of 2" in second


def test_marking_one_read_and_all_read_changes_what_the_page_and_header_say(org_a, member, client_on, notify_n):
    lead = member(org_a, "prevent_lead")
    first, second, third = notify_n(org_a, 3)
    client = client_on(org_a, lead)

    response = client.post(f"/notifications/{second.pk}/read/", follow=True)
    html = response.content.decode()
    assert "Marked as read." in html
    assert "2 unread of 3" in html and _count(html) == "2"

    html = client.post("/notifications/read-all/", follow=True).content.decode()
    assert "2 marked as read." in html
    assert "0 unread of 3" in html and _count(html) == "0"
    assert "Unread:" not in html


def test_another_persons_notification_ids_are_ignored(org_a, member, client_on, notify_n):
    lead, other = member(org_a, "prevent_lead"), member(org_a, "prevent_lead")
    stored = notify_n(org_a, 1)
    others = next(n for n in stored if n.recipient_id == other.pk)
    client = client_on(org_a, lead)

    read = client.post(f"/notifications/{others.pk}/read/")
    opened = client.get(f"/notifications/{others.pk}/open/", follow=True)

    assert read.status_code == 302 and read["Location"] == "/notifications/"
    assert "not one of yours here" in opened.content.decode()
    with schema_context(org_a.schema_name):
        assert Notification.objects.get(pk=others.pk).read_at is None


def test_following_a_notification_marks_it_read_and_goes_to_its_page(org_a, member, client_on, notify_n):
    lead = member(org_a, "prevent_lead")
    (n,) = notify_n(org_a, 1)

    response = client_on(org_a, lead).get(f"/notifications/{n.pk}/open/")

    assert response.status_code == 302 and response["Location"] == "/agreements/1/"
    with schema_context(org_a.schema_name):
        assert Notification.objects.get(pk=n.pk).read_at is not None


def test_a_stored_link_to_another_host_is_never_followed(org_a, member, client_on, notify_n):
    lead = member(org_a, "prevent_lead")
    (n,) = notify_n(org_a, 1)
    for bad in ("//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)"):
        with schema_context(org_a.schema_name):
            Notification.objects.filter(pk=n.pk).update(url=bad, read_at=None)

        response = client_on(org_a, lead).get(f"/notifications/{n.pk}/open/")

        assert response["Location"] == "/notifications/", bad
    assert safe_target("/speakers/4/") == "/speakers/4/"


def test_a_person_who_lost_the_role_no_longer_sees_the_notification(org_a, member, client_on, notify_n):
    signatory = member(org_a, "signatory", "reviewer")
    admin = member(org_a, "org_admin")
    notify_n(org_a, 1, text="An agreement awaits signature {i}", kind=Kind.AGREEMENT_TO_SIGN, scope="agreements:sign")
    client = client_on(org_a, signatory)
    assert "An agreement awaits signature 1" in client.get("/notifications/").content.decode()

    tenant_services.membership_set_roles(
        actor=admin, membership=Membership.objects.get(organisation=org_a, user=signatory), roles=["reviewer"]
    )

    html = client.get("/notifications/").content.decode()
    assert "An agreement awaits signature" not in html
    assert _count(html) == "0"


def test_no_count_and_no_script_on_the_public_site(org_a, member, client_on):
    lead = member(org_a, "prevent_lead")

    html = client_on(None, lead).get("/").content.decode()

    assert "unread-count" not in html and "live.js" not in html


def test_the_header_script_is_served_by_the_hub_and_loaded_deferred(org_a, member, client_on):
    html = client_on(org_a, member(org_a, "reviewer")).get("/").content.decode()

    assert re.search(r'<script src="/static/hub/live\.js" defer></script>', html)
    assert "<script>" not in html


def test_settings_show_every_kind_and_save_a_choice(org_a, member, client_on):
    lead = member(org_a, "prevent_lead")
    client = client_on(org_a, lead)
    html = unescape(client.get("/notifications/settings/").content.decode())
    for kind in Kind:
        assert f"<legend>{kind.label}</legend>" in html

    chosen = {kind.value: Delivery.HUB for kind in Kind} | {Kind.PAPERS_OUT: Delivery.EMAIL}
    response = client.post("/notifications/settings/", chosen, follow=True)

    assert "Your notification settings are saved." in response.content.decode()
    with schema_context(org_a.schema_name):
        assert services.preferences_of(lead)[Kind.PAPERS_OUT] == Delivery.EMAIL
        assert services.preferences_of(lead)[Kind.CHECK_MATCH] == Delivery.HUB


def test_a_bad_setting_is_refused_naming_the_kind(org_a, member, client_on):
    lead = member(org_a, "prevent_lead")
    chosen = {kind.value: Delivery.HUB for kind in Kind} | {Kind.PAPERS_OUT: "pigeon"}

    response = client_on(org_a, lead).post("/notifications/settings/", chosen)

    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert f"{Kind.PAPERS_OUT.label}: Select a valid choice." in html
    with schema_context(org_a.schema_name):
        assert services.preferences_of(lead)[Kind.PAPERS_OUT] == Delivery.DIGEST


def test_the_header_counts_only_what_the_centre_lists(org_a, member, client_on, notify_n):
    """A notification whose object right is gone (here: a partner report since replaced) is not listed,
    so the header must not count it either: "Notifications 2" over "1 unread of 1" could never be cleared."""
    lead = member(org_a, "prevent_lead")
    notify_n(org_a, 1)
    with schema_context(org_a.schema_name):
        Notification.objects.create(
            recipient=lead, kind=Kind.PARTNER_REPORT_ARRIVED, scope="partners:oversee",
            text="A partner sent its report (version 1)", url="/partners/received/999999/", object_id=999999,
        )  # fmt: skip

    html = client_on(org_a, lead).get("/notifications/").content.decode()

    assert "A partner sent its report" not in html
    assert "1 unread of 1" in html and _count(html) == "1"
    assert 'aria-label="Notifications, 1 unread"' in html
