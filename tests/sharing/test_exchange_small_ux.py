"""Small things on the exchange's pages and API that people trip over (Review 2, issue 9 §5).

* one expiry format, "Expires 29 Nov 2027", from an exclusive `expires_at` or the content's day;
* "Checks we shared" names the event by the source's own request title;
* withdrawing twice (a double click) answers plainly, not 404;
* a second pending request for detail from the same organisation is refused: "You already asked";
* the API's openings give `level` as "summary"/"full", like `checks/<id>/`;
* the API's `shared/` list carries a human `label`, and the speaker and event for `read_shared` only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context
from hypothesis import given, settings
from hypothesis import strategies as st

from core.dates import day_ends, day_starts
from sharing import selectors, services
from sharing.models import DetailRequest, SharedCheck
from tests.html_text import visible_text
from tests.hub.test_api_errors import api  # noqa: F401
from tests.sharing.test_share_on_decision import SPEAKER, decided_in_a  # noqa: F401
from tests.sharing.test_shared_register import shared  # noqa: F401

# --- one expiry format ------------------------------------------------------------------------


@settings(database=None, deadline=None, max_examples=300)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_an_exclusive_expiry_is_shown_as_its_last_london_day_whatever_the_season(day):
    # `expires_at` is 00:00 London the next day (BST or GMT): the page shows the day itself.
    assert selectors.last_day(day_ends(day)) == day
    assert selectors.last_day(day_starts(day) + dt.timedelta(hours=13)) == day
    assert selectors.expiry_label(day) == f"Expires {day.day} {day.strftime('%b %Y')}"


def test_the_register_and_the_check_page_show_the_same_expiry_in_one_format(shared, org_a, org_b, member, client_on):  # noqa: F811
    check, _ = shared
    expected = selectors.expiry_label(
        dt.date.fromisoformat(
            selectors.check_open(organisation=org_b, user=None, check_id=check.pk).content["expires_on"]
        )
    )

    register = visible_text(client_on(org_a, member(org_a, "prevent_lead")).get("/exchange/shared/"))
    own = visible_text(client_on(org_a, member(org_a, "prevent_lead")).get(f"/exchange/shared/{check.pk}/"))
    theirs = visible_text(
        client_on(org_b, member(org_b, "prevent_lead")).get(
            f"/exchange/checks/{check.pk}/", HTTP_SEC_FETCH_SITE="same-origin"
        )
    )

    for page in (register, own, theirs):
        assert expected in page, page
    assert "-" not in expected


# --- the event's title ------------------------------------------------------------------------


def test_checks_we_shared_names_the_event_by_its_title(drafting, org_a, org_b, decided_in_a, member, client_on):  # noqa: F811
    drafting.active([org_a, org_b])
    request, _ = decided_in_a()

    register = visible_text(client_on(org_a, member(org_a, "prevent_lead")).get("/exchange/shared/"))
    auditor = visible_text(client_on(org_a, member(org_a, "auditor")).get("/exchange/shared/"))

    assert "Debating the future of cities" in register and "Dr Oluwadamilare Ferreira-Kaur" in register
    assert "Debating the future of cities" not in auditor and "Ferreira-Kaur" not in auditor


# --- withdrawing twice --------------------------------------------------------------------------


def test_withdrawing_an_already_withdrawn_check_says_so_instead_of_404(shared, org_a, member, client_on):  # noqa: F811
    check, _ = shared
    client = client_on(org_a, member(org_a, "prevent_lead"))
    url = f"/exchange/shared/{check.pk}/withdraw/"

    first = client.post(url, {"reason": "Shared in error"})
    second = client.post(url, {"reason": "Shared in error"}, follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert "This check is already withdrawn" in visible_text(second)
    check.refresh_from_db()
    assert check.withdrawn_at is not None


def test_the_api_answers_a_second_withdrawal_with_a_400_naming_the_check(shared, org_a, member, api):  # noqa: F811
    check, _ = shared
    client = api(org_a, member(org_a, "prevent_lead"))
    url = f"/api/v1/exchange/shared/{check.pk}/withdraw/"

    assert client.post(url, {"reason": "Shared in error"}, content_type="application/json").status_code == 200
    again = client.post(url, {"reason": "Shared in error"}, content_type="application/json")

    assert again.status_code == 400
    assert "already withdrawn" in again.json()["errors"]["check"][0]


def test_a_replaced_version_cannot_be_withdrawn_and_the_answer_says_which_to_withdraw(shared, drafting, org_a):  # noqa: F811
    check, _ = shared
    from tests.sharing.conftest import FakeProjection

    services.check_share(actor=None, source=org_a, projection=FakeProjection(11, ("Dr Farida Osei-Mensah",)))

    with pytest.raises(ValidationError, match="Withdraw the current version"):
        services.check_withdraw(actor=drafting.lead(org_a), check=SharedCheck.objects.get(pk=check.pk), reason="Old")
    assert SharedCheck.objects.get(pk=check.pk).withdrawn_at is None


# --- asking for detail twice ----------------------------------------------------------------------


def test_a_second_pending_request_for_detail_is_refused_naming_the_source(shared, org_a, org_b, member, api):  # noqa: F811
    check, _ = shared
    client = api(org_b, member(org_b, "prevent_lead"))
    url = f"/api/v1/exchange/checks/{check.pk}/detail-requests/"

    first = client.post(url, {"reason": "Our event in March"}, content_type="application/json")
    second = client.post(url, {"reason": "Our event in March"}, content_type="application/json")
    colleague = api(org_b, member(org_b, "reviewer")).post(
        url, {"reason": "Same event"}, content_type="application/json"
    )

    assert first.status_code == 201
    for answer in (second, colleague):
        assert answer.status_code == 400
        message = answer.json()["errors"]["reason"][0]
        assert "You already asked" in message and f"waiting for {org_a.name}" in message
    assert DetailRequest.objects.filter(check_row=check).count() == 1


def test_after_the_source_answers_the_same_organisation_may_ask_again(shared, drafting, org_a, org_b, member):  # noqa: F811
    check, _ = shared
    asker = member(org_b, "prevent_lead")
    first = services.detail_request_create(actor=asker, organisation=org_b, check=check, reason="Our event")
    with tenant_context(org_a):
        services.detail_request_decide(actor=drafting.lead(org_a), request=first, approve=False, note="Not now")

    again = services.detail_request_create(actor=asker, organisation=org_b, check=check, reason="A new event")

    assert again.pk != first.pk


# --- the API ------------------------------------------------------------------------------------------


def test_the_api_openings_give_the_level_as_a_word(shared, org_a, org_b, member, api):  # noqa: F811
    check, _ = shared
    selectors.check_open(organisation=org_b, user=member(org_b, "prevent_lead"), check_id=check.pk)

    (opening,) = (
        api(org_a, member(org_a, "auditor")).get(f"/api/v1/exchange/shared/{check.pk}/openings/").json()["results"]
    )

    assert opening["level"] == "summary"


def test_the_api_shared_list_has_a_label_and_the_speaker_only_for_read_shared(shared, org_a, member, api):  # noqa: F811
    check, _ = shared

    (lead_row,) = api(org_a, member(org_a, "prevent_lead")).get("/api/v1/exchange/shared/").json()["results"]
    auditor = api(org_a, member(org_a, "auditor")).get("/api/v1/exchange/shared/")

    assert lead_row["speaker_name"] == "Dr Farida Osei-Mensah"
    assert lead_row["label"].startswith(f"Check {check.pk}, version 1, shared ")
    assert lead_row["source_ref"] and lead_row["state"] == "active"
    assert auditor.status_code == 200
    (auditor_row,) = auditor.json()["results"]
    assert "speaker_name" not in auditor_row and "event" not in auditor_row
    assert "Osei-Mensah" not in auditor.content.decode()
    assert auditor_row["label"] == lead_row["label"]
