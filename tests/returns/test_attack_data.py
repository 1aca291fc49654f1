"""Attacks on the return: record ids a reader may not open, and signing off a stale draft."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from returns import services
from returns.models import AnnualReturn
from tenants.models import Role
from tests.returns.conftest import YEAR, at, decision, seed_university


def _ids(data: dict, key: str) -> list[int]:
    return next(line["source"]["ids"] for line in data["lines"] if line["key"] == key)


def test_the_api_gives_an_auditor_the_figures_but_not_which_welfare_cases_they_count(seeded, client_on, member):
    # given: a return counting welfare cases referred to Prevent, read by an auditor (no welfare or speaker rights)
    seed_university(seeded)
    ret = seeded.assemble()
    referred = _ids(ret.data, "referrals.prevent")
    assert referred and _ids(ret.data, "speakers.rejected")
    auditor = client_on(seeded.university, member(seeded.university, Role.AUDITOR))

    # when
    body = auditor.get(f"/api/v1/return/{ret.pk}/").json()

    # then: the figure and its count are there, the ids of the cases and requests are not
    line = next(line for line in body["data"]["lines"] if line["key"] == "referrals.prevent")
    assert line["own"] == len(referred) and line["source"]["counted"] == len(referred)
    cases = [line for line in body["data"]["lines"] if line["source"]["kind"] == "case"]
    assert cases and all(not line["source"]["ids"] for line in cases)
    # the auditor reads the whole speaker register (speakers.rights), so those ids stay
    assert sorted(_ids(body["data"], "speakers.rejected")) == sorted(_ids(ret.data, "speakers.rejected"))
    # the Prevent lead (every case, every request) still gets them
    lead = client_on(seeded.university, seeded.lead).get(f"/api/v1/return/{ret.pk}/").json()
    assert sorted(_ids(lead["data"], "referrals.prevent")) == sorted(referred)
    assert sorted(_ids(lead["data"], "speakers.rejected")) == sorted(_ids(ret.data, "speakers.rejected"))
    with tenant_context(seeded.university):
        assert AnnualReturn.objects.get(pk=ret.pk).data == ret.data  # the snapshot itself is untouched


def test_a_draft_reassembled_after_the_lead_read_it_is_not_signed(seeded, client_on):
    # given: the lead opens the draft; then someone adds a decision and re-assembles it
    seed_university(seeded)
    ret = seeded.assemble()
    client = client_on(seeded.university, seeded.lead)
    page = client.get(f"/return/{ret.pk}/").content.decode()
    seen = re.search(r'name="seen" value="([0-9a-f]{64})"', page).group(1)
    with tenant_context(seeded.university):
        decision(seeded.lead, at(YEAR.start + timedelta(days=40)), "rejected", 60, "other")
    seeded.assemble(actor=seeded.admin)
    before = AuditEvent.objects.filter(action="returns.return.sign_off").count()

    # when: the lead signs off what they read
    refused = client.post(f"/return/{ret.pk}/sign-off/", {"gaps_acknowledged": "on", "seen": seen}, follow=True)

    # then: refused, still a draft, nothing audited; the API refuses the same, naming the field
    assert "The draft changed after you read it" in refused.content.decode()
    with tenant_context(seeded.university):
        assert AnnualReturn.objects.get(pk=ret.pk).status == "draft"
    assert AuditEvent.objects.filter(action="returns.return.sign_off").count() == before
    api = client.post(f"/api/v1/return/{ret.pk}/sign-off/", json.dumps({"gaps_acknowledged": True, "seen": seen}),
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 400 and "seen" in api.json()["errors"]
    # reading it again and signing works
    fresh = re.search(r'name="seen" value="([0-9a-f]{64})"', client.get(f"/return/{ret.pk}/").content.decode())
    client.post(f"/return/{ret.pk}/sign-off/", {"gaps_acknowledged": "on", "seen": fresh.group(1)})
    with tenant_context(seeded.university):
        assert AnnualReturn.objects.get(pk=ret.pk).status == "signed_off"


def test_a_draft_assembled_before_its_year_ended_is_not_signed_after_it(seeded):
    # given: the year's draft assembled in June, before the year ended
    seed_university(seeded)
    with tenant_context(seeded.university):
        draft = services.return_assemble(actor=seeded.lead, organisation=seeded.university, year=YEAR,
                                         today=YEAR.end - timedelta(days=40))  # fmt: skip
        assert draft.data["complete"] is False

        # when: the lead signs it off after the year is over
        with pytest.raises(ValidationError) as refused:
            services.return_sign_off(actor=seeded.lead, organisation=seeded.university, annual_return=draft,
                                     gaps_acknowledged=True, today=YEAR.end + timedelta(days=30))  # fmt: skip

        # then
        assert "before the year ended" in str(refused.value.message_dict["seen"])
        assert AnnualReturn.objects.get(pk=draft.pk).status == "draft"


def test_a_total_that_leaves_out_a_partners_unitemised_figure_says_so(seeded):
    # given: the partner's reports received; they count rejections but not by reason, nor induction training
    from tests.returns.conftest import seed_partner_and_file

    seed_university(seeded)
    seeded.drafting.active([seeded.university, seeded.partner], template="franchise")
    seed_partner_and_file(seeded)

    # when
    lines = {line["key"]: line for line in seeded.assemble().data["lines"]}

    # then: such a total is flagged as ours only; a line the partner reports is not
    excludes = f"total excludes {seeded.partner.name}: its reports do not break this figure down"
    assert lines["speakers.rejected.procedural"]["partners"][str(seeded.partner.pk)] == "not itemised"
    assert excludes in lines["speakers.rejected.procedural"]["flags"]
    assert excludes in lines["training.induction"]["flags"]
    assert not any(excludes in flag for flag in lines["speakers.rejected"]["flags"])
