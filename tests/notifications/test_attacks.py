"""A reviewer's attacks on notifications: other people's ids, stored links, preferences, markup, tokens."""

from __future__ import annotations

import json
import re

import pytest
from django_tenants.utils import schema_context

from notifications import services
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.views import safe_target
from tenants import services as tenant_services
from tenants.scopes import Scope


@pytest.mark.parametrize(
    "bad",
    [
        "/\t/evil.example/",  # browsers drop tabs and line breaks from a URL: "//evil.example/"
        "/\r/evil.example/",
        "/\n/evil.example/",
        "/%0d%0aSet-Cookie:x=1",  # stays a harmless path
    ],
)
def test_a_stored_link_with_control_characters_never_leaves_the_host_nor_breaks_the_page(
    org_a, member, client_on, notify_n, bad
):
    lead = member(org_a, "prevent_lead")
    (n,) = notify_n(org_a, 1)
    with schema_context(org_a.schema_name):
        Notification.objects.filter(pk=n.pk).update(url=bad)

    response = client_on(org_a, lead).get(f"/notifications/{n.pk}/open/")

    assert response.status_code == 302
    as_a_browser_reads_it = re.sub(r"[\t\r\n]", "", response["Location"])
    assert as_a_browser_reads_it.startswith("/") and not as_a_browser_reads_it.startswith(("//", "/\\"))


@pytest.mark.parametrize("bad", ["/\t/evil.example/", "/\r\nX: y", "/\\evil.example", "/x\x00", "javascript:x"])
def test_notify_refuses_a_link_a_browser_could_read_as_another_host(org_a, member, bad):
    member(org_a, "prevent_lead")
    with pytest.raises(ValueError):
        services.notify(Kind.AGREEMENT_CHANGED, organisation=org_a, scope=Scope.AGREEMENTS_READ, text="x", url=bad)
    assert safe_target(bad) == "/notifications/"


def test_text_with_markup_is_shown_as_text_in_the_centre_and_the_api(org_a, member, client_on, notify_n):
    lead = member(org_a, "prevent_lead")
    notify_n(org_a, 1, text='<img src=x onerror="alert(1)"> {i}')
    client = client_on(org_a, lead)

    html = client.get("/notifications/").content.decode()
    api = client.get("/api/v1/notifications/").json()

    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert api["results"][0]["text"] == '<img src=x onerror="alert(1)"> 1'  # JSON, not markup


def test_another_organisations_ids_on_my_host_and_my_token_on_their_host(org_a, org_b, member, client_on, notify_n):
    mine = member(org_a, "prevent_lead")
    theirs = member(org_b, "prevent_lead")
    (b_note,) = notify_n(org_b, 1)
    _, raw = tenant_services.api_token_create(actor=mine, organisation=org_a, name="script")

    own_host = client_on(org_a, mine)
    own_host.post(f"/notifications/{b_note.pk}/read/")
    assert own_host.get(f"/notifications/{b_note.pk}/open/")["Location"] == "/notifications/"
    on_b = client_on(org_b)
    for method, path in [("get", "/api/v1/notifications/"), ("post", f"/api/v1/notifications/{b_note.pk}/read/"),
                         ("post", "/api/v1/notifications/read-all/")]:  # fmt: skip
        assert getattr(on_b, method)(path, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401, path
    with schema_context(org_b.schema_name):
        assert Notification.objects.get(pk=b_note.pk, recipient=theirs).read_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (["email"], "non_field_errors"),
        ("email", "non_field_errors"),
        ({"check_match": ["email"]}, "check_match"),
        ({"check_match": {"a": 1}}, "check_match"),
        ({"check_match": None}, "check_match"),
        ({"check_match": 1}, "check_match"),
        ({"nope": "email"}, "nope"),
        ({"__proto__": "email"}, "__proto__"),
        ({"check_match": "x" * 100_000}, "check_match"),
        ({f"k{i}": "hub" for i in range(2000)}, "k0"),
    ],
)
def test_preferences_injection_is_a_400_naming_the_field(org_a, member, client_on, body, field):
    api = client_on(org_a, member(org_a, "reviewer"))

    response = api.post("/api/v1/notifications/preferences/", json.dumps(body), content_type="application/json")

    assert response.status_code == 400, response.content[:300]
    assert field in response.json()["errors"]


def test_the_settings_page_refuses_unknown_and_missing_choices_without_storing(org_a, member, client_on):
    person = member(org_a, "reviewer")
    page = client_on(org_a, person)

    response = page.post("/notifications/settings/", {"check_match": "sms", "nope": "email"})

    assert response.status_code == 400
    with schema_context(org_a.schema_name):
        assert services.preferences_of(person)["check_match"] != "sms"


def test_the_header_never_counts_a_notification_the_centre_hides(org_a, member, client_on):
    from django_tenants.utils import tenant_context

    from tests.welfare.conftest import open_case
    from welfare import services as welfare

    officer, colleague, raiser = (member(org_a, r) for r in ("safeguarding_officer",) * 2 + ("organiser",))
    case = open_case(org_a, officer, raiser=raiser)
    with tenant_context(org_a):
        Notification.objects.all().delete()
        welfare.case_team_add(actor=officer, case=case, person=colleague)
        welfare.case_team_remove(actor=officer, case=case, person=colleague)  # keeps welfare:cases, not the case
    client = client_on(org_a, colleague)

    html = client.get("/notifications/").content.decode()

    assert 'data-testid="notification"' not in html
    assert re.search(r'data-testid="unread-count">(\d+)<', html).group(1) == "0"
    assert client.post("/api/v1/notifications/read-all/").json()["unread"] == 0


def test_no_email_nor_digest_for_a_person_who_lost_the_role_or_the_object_before_the_worker_ran(
    org_a, member, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django_tenants.utils import tenant_context

    from notifications import delivery
    from tenants.models import Membership
    from tests.welfare.conftest import open_case
    from welfare import services as welfare

    admin = member(org_a, "org_admin")
    signatory = member(org_a, "signatory", "reviewer")
    officer, colleague, raiser = (member(org_a, r) for r in ("safeguarding_officer",) * 2 + ("organiser",))
    case = open_case(org_a, officer, raiser=raiser)
    with tenant_context(org_a):
        Notification.objects.all().delete()  # the concern's own, to the triage team
        services.preferences_set(signatory, {"agreement_to_sign": "email"})
        services.preferences_set(colleague, {"concern": "digest"})
        with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
            (to_sign,) = services.notify(
                Kind.AGREEMENT_TO_SIGN, organisation=org_a, scope=Scope.AGREEMENTS_SIGN, text="Sign", url="/a/1/"
            )
        welfare.case_team_add(actor=officer, case=case, person=colleague)
        welfare.case_team_remove(actor=officer, case=case, person=colleague)
    tenant_services.membership_set_roles(
        actor=admin, membership=Membership.objects.get(organisation=org_a, user=signatory), roles=["reviewer"]
    )
    mail.outbox.clear()

    with tenant_context(org_a):
        assert delivery.email_each([to_sign.pk]) == 0
        assert delivery.digest() == 0
    assert mail.outbox == []
