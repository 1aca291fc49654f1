"""A decided request becomes the minimal shareable form the exchange will seal (issue 5)."""

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from speakers import services
from speakers.projection import add_months, project_decided_request
from speakers.services import SpeakerDetails
from tests.speakers.conftest import approve, assess, submit

SPEAKERS = [
    SpeakerDetails(name="Prof Aroha Ngata", affiliation="Kauri Institute", topic="Water rights"),
    SpeakerDetails(name="Dr Tobias Werner", affiliation="", topic="Rivers"),
]


def test_the_projection_carries_only_what_may_be_shared_at_each_level(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser, speakers=SPEAKERS, organising_body="Geography Society", format="hybrid")
        assess(a.reviewer, request, risk_level="medium", mitigations=("Independent chair",))
        decision = approve(a.reviewer, request, outcome="approved_with_mitigations",
                           imposed_mitigation_ids=[m.pk for m in request.mitigations.all()],
                           reasons="Lawful; a chair keeps it balanced.")  # fmt: skip

        projection = project_decided_request(request)

        summary = projection.as_summary()
        decided_on = decision.decided_at.date()
        assert summary == {
            "request_id": request.pk,
            "speaker_names": ("Prof Aroha Ngata", "Dr Tobias Werner"),
            "event_date": request.starts_at.date().isoformat(),
            "event_format": "hybrid",
            "open_to_public": True,
            "outcome": "approved_with_mitigations",
            "mitigations": ("Independent chair",),
            "decided_on": decided_on.isoformat(),
            "expires_on": add_months(decided_on, 12).isoformat(),
        }
        full = projection.as_full()
        assert full["rationale"] == "Lawful; a chair keeps it balanced." and full["risk_level"] == "medium"
        flat = repr(full)
        for private in ("Geography Society", a.organiser.full_name, a.organiser.email, request.title, request.venue):
            assert private not in flat
        assert [row["speaker_name"] for row in projection.per_speaker()] == ["Prof Aroha Ngata", "Dr Tobias Werner"]


def test_a_withdrawn_or_undecided_request_is_not_projected(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        with pytest.raises(ValueError):
            project_decided_request(request)
        services.event_request_withdraw(actor=a.organiser, event_request=request, reason="Cancelled.")
        request.refresh_from_db()
        with pytest.raises(ValueError):
            project_decided_request(request)


def test_expiry_follows_the_procedure_validity_and_month_ends():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 12) == date(2027, 11, 15)
