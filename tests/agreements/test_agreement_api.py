"""Agreements API: 400 naming fields, 403 for signing without authority (nothing recorded), 404 for non-parties."""

from __future__ import annotations

from tests.agreements.conftest import counts, terms_for


def _json(terms):
    return {k: (str(v) if hasattr(v, "isoformat") else v) for k, v in terms.items()}


def test_a_lead_drafts_a_signatory_proposes_and_two_signatories_sign_through_the_api(drafting, client_on, org_a, org_b):
    lead = client_on(org_a, drafting.lead(org_a))
    created = lead.post(
        "/api/v1/agreements/",
        {"parties": [org_a.slug, org_b.slug], "terms": _json(terms_for("network_speaker_checks", [org_a, org_b]))},
        content_type="application/json",
    )
    agreement_id = created.json()["id"]
    refused = lead.post(f"/api/v1/agreements/{agreement_id}/propose/")  # a Prevent lead alone may not commit
    client_on(org_a, drafting.signatory(org_a)).post(f"/api/v1/agreements/{agreement_id}/propose/")

    for organisation in (org_a, org_b):
        signed = client_on(organisation, drafting.signatory(organisation)).post(
            f"/api/v1/agreements/{agreement_id}/sign/", {"version": 1}, content_type="application/json"
        )

    assert created.status_code == 201 and refused.status_code == 403
    assert signed.status_code == 200 and signed.json()["state"] == "active"
    assert len(signed.json()["current_version"]["signatures"]) == 2


def test_bad_terms_get_400_naming_each_field_and_nothing_is_stored(drafting, client_on, org_a, org_b):
    lead = client_on(org_a, drafting.lead(org_a))
    before = counts()
    terms = _json(terms_for("franchise", [org_a, org_b], retention_days=None, dpa_schedule1_condition=""))
    terms["expiry_date"] = "2001-01-01"

    response = lead.post(
        "/api/v1/agreements/", {"parties": [org_a.slug, org_b.slug], "terms": terms}, content_type="application/json"
    )

    assert response.status_code == 400
    assert {"retention_days", "expiry_date", "dpa_schedule1_condition"} <= set(response.json()["errors"])
    assert counts() == before


def test_signing_without_authority_gets_403_and_records_nothing(drafting, client_on, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    drafting.propose(agreement)
    before = counts()

    response = client_on(org_b, drafting.lead(org_b)).post(
        f"/api/v1/agreements/{agreement.pk}/sign/", {"version": 1}, content_type="application/json"
    )

    assert response.status_code == 403
    assert counts() == before


def test_an_agreement_the_organisation_is_not_party_to_is_not_found(drafting, client_on, member, org_a, org_b, partner):
    agreement = drafting.draft([org_a, org_b])
    outsider = client_on(partner, member(partner, "signatory"))
    before = counts()

    assert outsider.get(f"/api/v1/agreements/{agreement.pk}/").status_code == 404
    assert (
        outsider.post(
            f"/api/v1/agreements/{agreement.pk}/sign/", {"version": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    assert outsider.get("/api/v1/agreements/").json()["results"] == []
    assert counts() == before


def test_signing_the_version_in_force_again_while_a_change_is_pending_gets_400_naming_the_version(
    drafting, client_on, org_a, org_b
):
    agreement = drafting.active([org_a, org_b])
    lead = client_on(org_a, drafting.lead(org_a))
    terms = _json({n: getattr(agreement.current_version, n) for n in terms_for("network_speaker_checks", [])})
    terms["flows"] = agreement.current_version.flows
    lead.post(
        f"/api/v1/agreements/{agreement.pk}/versions/",
        {"parties": [org_a.slug, org_b.slug], "terms": {**terms, "retention_days": 100}},
        content_type="application/json",
    )
    client_on(org_a, drafting.signatory(org_a)).post(f"/api/v1/agreements/{agreement.pk}/propose/")
    before = counts()

    response = client_on(org_b, drafting.signatory(org_b)).post(
        f"/api/v1/agreements/{agreement.pk}/sign/", {"version": 1}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "Version 1 has already been signed by every party" in response.json()["errors"]["version"][0]
    assert counts() == before
    pending = client_on(org_b, drafting.signatory(org_b)).get(f"/api/v1/agreements/{agreement.pk}/").json()
    assert pending["state"] == "active" and pending["current_version"]["number"] == 1
    assert pending["pending_version"]["number"] == 2 and pending["pending_version"]["retention_days"] == 100


def test_the_register_api_lists_every_version_for_a_dpo_and_refuses_a_reviewer(
    drafting, org_a, org_b, member, client_on
):
    agreement = drafting.active([org_a, org_b])

    listed = client_on(org_a, member(org_a, "dpo")).get("/api/v1/agreements/register/")
    refused = client_on(org_a, member(org_a, "reviewer")).get("/api/v1/agreements/register/")

    assert listed.status_code == 200
    assert [(row["agreement"], row["number"], row["current"]) for row in listed.json()["results"]] == [
        (agreement.reference, 1, True)
    ]
    assert len(listed.json()["results"][0]["signatures"]) == 2
    assert refused.status_code == 403
