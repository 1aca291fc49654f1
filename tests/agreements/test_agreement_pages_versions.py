"""Agreement pages: pending versions, human labels, confirmations, the flow rows, export, paging and sorting."""

from __future__ import annotations

import json

from agreements import selectors, services, verify
from agreements.models import Agreement
from agreements.states import State, agreement_state
from tests.agreements.conftest import counts
from tests.agreements.test_agreement_pages import form_data

INTERNAL_NAMES = ["Lawfulbasis", "6_1_e", "Dpaschedule1condition", "Retentiondays", "speaker_due_diligence", "['"]


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_agreement_page_shows_human_labels_and_no_internal_names(drafting, client_on, org_a, org_b):
    agreement = drafting.active([org_a, org_b])

    body = _page(client_on(org_a, drafting.lead(org_a)), f"/agreements/{agreement.pk}/")

    assert "Lawful basis (UK GDPR Art. 6)" in body and "Art. 6(1)(e) public task" in body
    assert "Retention at the recipient" in body and "730 days" in body
    assert "Due diligence on external speakers and events" in body
    assert "Speaker check: " in body and "up to Summary (outcome, mitigations, dates)" in body
    for name in INTERNAL_NAMES:
        assert name not in body, name


def test_a_draft_offers_no_suspend_or_terminate_and_an_active_agreement_links_to_confirmation_pages(
    drafting, client_on, org_a, org_b
):
    draft = drafting.draft([org_a, org_b])
    active = drafting.active([org_a, org_b])
    client = client_on(org_a, drafting.signatory(org_a))

    draft_page = _page(client, f"/agreements/{draft.pk}/")
    active_page = _page(client, f"/agreements/{active.pk}/")

    assert "/suspend/" not in draft_page and "/terminate/" not in draft_page
    assert "Suspend…" not in draft_page and "Give notice" not in draft_page
    assert "nothing to suspend or terminate" in draft_page
    assert f'href="/agreements/{active.pk}/suspend/">Suspend…' in active_page
    assert f'href="/agreements/{active.pk}/terminate/">Give notice to terminate…' in active_page


def test_suspending_and_terminating_ask_to_confirm_and_change_nothing_until_confirmed(
    drafting, client_on, org_a, org_b
):
    agreement = drafting.active([org_a, org_b])
    client = client_on(org_a, drafting.signatory(org_a))

    suspend_page = _page(client, f"/agreements/{agreement.pk}/suspend/")
    terminate_page = _page(client, f"/agreements/{agreement.pk}/terminate/")
    before = counts()
    unconfirmed = client.post(f"/agreements/{agreement.pk}/suspend/", {"reason": "Breach at a supplier"})
    unconfirmed_end = client.post(f"/agreements/{agreement.pk}/terminate/", {"reason": "Ending", "notice_days": "0"})

    assert (
        "Confirm: suspend sharing now" in suspend_page
        and "stops all sharing under this agreement at once" in suspend_page
    )
    assert "Confirm: give notice to terminate" in terminate_page
    assert unconfirmed.status_code == 400 and "Tick the box to confirm" in unconfirmed.content.decode()
    assert unconfirmed_end.status_code == 400 and "Tick the box to confirm" in unconfirmed_end.content.decode()
    assert counts() == before
    agreement.refresh_from_db()
    assert (
        agreement_state(agreement, agreement.created_at.__class__.now(tz=agreement.created_at.tzinfo)) == State.ACTIVE
    )

    confirmed = client.post(f"/agreements/{agreement.pk}/suspend/", {"reason": "Breach at a supplier", "confirm": "on"})

    assert confirmed.status_code == 302
    agreement.refresh_from_db()
    assert agreement.suspended_by_id == org_a.pk


def test_a_pending_version_is_shown_beside_the_version_in_force_with_who_still_has_to_sign(
    drafting, client_on, org_a, org_b
):
    agreement = drafting.active([org_a, org_b])
    services.agreement_edit(
        actor=drafting.lead(org_a),
        organisation=org_a,
        agreement=agreement,
        parties=[org_a.slug, org_b.slug],
        terms={**agreement.current_version.__dict__, "retention_days": 365},
        change_note="Shorter retention",
    )
    drafting.propose(agreement)
    drafting.sign(agreement, org_a)
    client = client_on(org_b, drafting.signatory(org_b))

    detail = _page(client, f"/agreements/{agreement.pk}/")
    listing = _page(client, "/agreements/")
    pending = _page(client, f"/agreements/{agreement.pk}/versions/2/")

    assert 'data-testid="agreement-state">Active<' in detail
    assert "Pending version 2" in detail and "Version 1 stays in force" in detail
    assert f"Still to sign: {org_b.name}." in detail
    assert "Pending version 2 (awaiting signatures)" in listing
    assert f"Waiting for {org_b.name} to sign" in listing
    assert "Sign version 2 for" in pending and "Pending version (proposed change, not yet in force)" in pending


def test_a_malformed_flow_row_refuses_the_whole_save_naming_the_row(drafting, client_on, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    client = client_on(org_a, drafting.lead(org_a))
    data = form_data(client.get(f"/agreements/{agreement.pk}/edit/").context["editor"])
    good_rows = int(data["flows-INITIAL_FORMS"])
    data[f"flows-{good_rows}-kind"] = "referral"
    data[f"flows-{good_rows}-senders"] = [org_a.slug]
    data[f"flows-{good_rows}-recipients"] = [org_b.slug]  # no level chosen
    data["retention_days"] = "100"  # a change that must not be saved either
    data["flows-TOTAL_FORMS"] = str(good_rows + 1)
    before = counts()

    response = client.post(f"/agreements/{agreement.pk}/edit/", data)

    body = response.content.decode()
    assert response.status_code == 400
    assert f"Flow {good_rows + 1}: choose the level." in body
    assert counts() == before
    agreement.refresh_from_db()
    assert agreement.current_version.retention_days == 730 and len(agreement.current_version.flows) == good_rows


def test_the_flow_rows_save_a_complete_new_row(drafting, client_on, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    client = client_on(org_a, drafting.lead(org_a))
    data = form_data(client.get(f"/agreements/{agreement.pk}/edit/").context["editor"])
    rows = int(data["flows-INITIAL_FORMS"])
    data.update(
        {
            f"flows-{rows}-kind": "partner_report",
            f"flows-{rows}-senders": [org_b.slug],
            f"flows-{rows}-recipients": [org_a.slug],
            f"flows-{rows}-max_level": "aggregate",
            "flows-TOTAL_FORMS": str(rows + 2),  # and one blank row, ignored
        }
    )

    response = client.post(f"/agreements/{agreement.pk}/edit/", data)

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.current_version.flows[-1] == {
        "kind": "partner_report",
        "senders": [org_b.slug],
        "recipients": [org_a.slug],
        "max_level": "aggregate",
    }


def test_the_page_offers_the_export_file_and_the_commands_and_the_file_verifies(drafting, client_on, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    client = client_on(org_b, drafting.lead(org_b))

    detail = _page(client, f"/agreements/{agreement.pk}/")
    download = client.get(f"/agreements/{agreement.pk}/versions/1/export.json")

    assert f'href="/agreements/{agreement.pk}/versions/1/export.json"' in detail
    assert f"python -m agreements.verify {agreement.reference}-v1.json" in detail
    assert f"python manage.py agreement_export {agreement.pk}" in detail
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    problems, confirmations = verify.verify_text(download.content.decode())
    assert problems == [] and len(confirmations) == 2
    assert json.loads(download.content)["document"]["agreement"] == agreement.pk


def test_the_list_and_the_register_are_paged_and_sorted(drafting, client_on, member, monkeypatch, org_a, org_b):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for title in ("Charlie exchange", "Alpha exchange", "Bravo exchange"):
        drafting.draft([org_a, org_b], title=title)
    client = client_on(org_a, member(org_a, "dpo"))

    first = _page(client, "/agreements/?sort=title")
    second = _page(client, "/agreements/?sort=title&page=2")
    register = _page(client, "/agreements/register/?sort=agreement&page=2")

    assert "Page 1 of 2" in first and first.index("Alpha exchange") < first.index("Bravo exchange")
    assert "Charlie exchange" not in first and "Charlie exchange" in second
    assert "Page 2 of 2" in register
    assert Agreement.objects.count() == 3
