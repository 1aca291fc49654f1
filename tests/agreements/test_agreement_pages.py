"""Agreement pages: list, draft from a template, detail, sign, diff, register; 404 for non-parties."""

from __future__ import annotations

from agreements.models import Agreement
from tests.agreements.conftest import counts


def form_data(editor) -> dict:
    """What a browser would post for the editor as rendered: every field, and the flow rows."""
    form, flows = editor.form, editor.flows
    data = {}
    for name in form.fields:
        value = form.initial.get(name, "")
        if name == "dpia_done":
            if value:
                data[name] = "on"
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    data.update({f"flows-{k}": v for k, v in flows.management_form.initial.items()})
    for index, row in enumerate(flows.initial or []):
        for key, value in row.items():
            data[f"flows-{index}-{key}"] = value
    return data


def test_the_list_shows_state_signatures_and_what_awaits_our_signature(drafting, client_on, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    drafting.propose(agreement)
    drafting.sign(agreement, org_a)

    page = client_on(org_b, drafting.signatory(org_b)).get("/agreements/")

    body = page.content.decode()
    assert page.status_code == 200
    assert "Waiting for Brackenford University to sign" in body
    assert "Awaiting signatures" in body and agreement.reference in body


def test_a_lead_drafts_from_a_template_in_two_steps(drafting, client_on, org_a, partner):
    client = client_on(org_a, drafting.lead(org_a))

    prefilled = client.get("/agreements/new/", {"template": "franchise", "parties": [org_a.slug, partner.slug]})
    data = form_data(prefilled.context["editor"])
    created = client.post("/agreements/new/", {**data, "template_code": "franchise"})

    agreement = Agreement.objects.get(drafted_by_organisation=org_a)
    assert created.status_code == 302 and created["Location"] == f"/agreements/{agreement.pk}/"
    assert agreement.template == "franchise" and agreement.current_version.flows[1]["max_level"] == "full"


def test_bad_input_on_the_draft_page_is_shown_beside_each_field_and_nothing_is_stored(drafting, client_on, org_a):
    client = client_on(org_a, drafting.lead(org_a))
    before = counts()

    page = client.post(
        "/agreements/new/",
        {
            "parties": [org_a.slug, "nowhere"],
            "retention_days": "",
            "start_date": "2026-05-01",
            "expiry_date": "2026-01-01",
            "flows-TOTAL_FORMS": "1",
            "flows-INITIAL_FORMS": "0",
            "flows-0-kind": "speaker_check",
        },
    )

    body = page.content.decode()
    assert page.status_code == 400
    assert 'id="id_parties_error"' in body and "nowhere is not one of the available choices" in body
    assert "Flow 1: choose at least one sender, at least one recipient and the level." in body
    assert counts() == before


def test_a_signatory_signs_on_the_page_and_the_agreement_shows_active(drafting, client_on, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    drafting.propose(agreement)
    drafting.sign(agreement, org_a)
    client = client_on(org_b, drafting.signatory(org_b))

    client.post(f"/agreements/{agreement.pk}/versions/1/sign/")

    page = client.get(f"/agreements/{agreement.pk}/")
    assert 'data-testid="agreement-state">Active<' in page.content.decode()


def test_an_organisation_that_is_not_a_party_gets_not_found(drafting, client_on, member, org_a, org_b, partner):
    agreement = drafting.draft([org_a, org_b])
    outsider = member(partner, "prevent_lead", "dpo")

    for path in (
        f"/agreements/{agreement.pk}/",
        f"/agreements/{agreement.pk}/diff/?from=1&to=1",
        f"/agreements/{agreement.pk + 1000}/",
    ):
        assert client_on(partner, outsider).get(path).status_code == 404


def test_the_diff_page_marks_changed_terms_side_by_side(drafting, client_on, org_a, org_b):
    from agreements import services

    agreement = drafting.active([org_a, org_b])
    services.agreement_edit(
        actor=drafting.lead(org_a),
        organisation=org_a,
        agreement=agreement,
        parties=[org_a.slug, org_b.slug],
        terms={**agreement.current_version.__dict__, "retention_days": 400},
    )

    page = client_on(org_b, drafting.lead(org_b)).get(f"/agreements/{agreement.pk}/diff/?from=1&to=2")

    body = page.content.decode()
    assert "Retention at the recipient <strong>(changed)</strong>" in body
    assert "<del>730 days</del>" in body and "<ins>400 days</ins>" in body
    assert "Retentiondays" not in body and "['" not in body and "{'" not in body


def test_the_register_is_for_the_dpo_and_auditors(drafting, client_on, member, org_a, org_b):
    drafting.active([org_a, org_b])

    dpo_page = client_on(org_a, member(org_a, "dpo")).get("/agreements/register/")
    reviewer_page = client_on(org_a, member(org_a, "reviewer")).get("/agreements/register/")

    assert dpo_page.status_code == 200 and "1 (In force)" in dpo_page.content.decode()
    assert reviewer_page.status_code == 403


def test_suspending_on_the_page_is_visible_on_the_other_partys_list(drafting, client_on, org_a, org_b):
    agreement = drafting.active([org_a, org_b])

    client_on(org_a, drafting.signatory(org_a)).post(
        f"/agreements/{agreement.pk}/suspend/", {"reason": "Data breach at a supplier", "confirm": "on"}
    )

    body = client_on(org_b, drafting.lead(org_b)).get("/agreements/").content.decode()
    assert "Suspended by Alderley University: Data breach at a supplier" in body
