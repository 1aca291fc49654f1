"""Attack: a subject access export must never carry another person's data (UK GDPR Art. 15(4)).

A concern about someone else can be merged into a case (one incident, two people). Exporting
for either person must not hand over the other's concern or name.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django_tenants.utils import tenant_context

from core.dates import today
from welfare import sar
from welfare.choices import ConcernStatus, TriageOutcome
from welfare.models import Case, Concern

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("subject-access.txt").decode() + archive.read("subject-access.json").decode()


@pytest.fixture
def shared_incident(org_a, member):
    dpo = member(org_a, "dpo", full_name="Ngozi Adeyemi")
    raiser = member(org_a, "organiser", full_name="Lars Petersen")
    with tenant_context(org_a):
        case = Case.objects.create(
            subject_given_name="Amara", subject_family_name="Okafor", opened_on=today() - dt.timedelta(days=10)
        )
        Concern.objects.create(
            raised_by=raiser, subject_given_name="Amara", subject_family_name="Okafor",
            observed_on=today() - dt.timedelta(days=12), what_happened="Amara handed out the Redmoor leaflets.",
            status=ConcernStatus.BEING_LOOKED_AT, triage_outcome=TriageOutcome.CASE_OPENED, case=case,
        )  # fmt: skip
        Concern.objects.create(
            raised_by=raiser, subject_given_name="Bilal", subject_family_name="Haddad",
            observed_on=today() - dt.timedelta(days=11), what_happened="Bilal filmed the Kestrel Lane stall.",
            status=ConcernStatus.BEING_LOOKED_AT, triage_outcome=TriageOutcome.MERGED, case=case,
        )  # fmt: skip
    return dpo


def _export(org, user, given, family):
    with tenant_context(org):
        return sar.subject_access_export(organisation=org, user=user, given_name=given, family_name=family)


def test_an_export_for_the_cases_subject_leaves_out_a_merged_concern_about_someone_else(org_a, shared_incident):
    text = _text(_export(org_a, shared_incident, "Amara", "Okafor").content)
    assert "Amara handed out the Redmoor leaflets." in text
    assert "Bilal" not in text and "Haddad" not in text and "Kestrel Lane" not in text


def test_an_export_for_the_person_in_a_merged_concern_leaves_out_the_case_about_someone_else(org_a, shared_incident):
    text = _text(_export(org_a, shared_incident, "Bilal", "Haddad").content)
    assert "Bilal filmed the Kestrel Lane stall." in text
    assert "Amara" not in text and "Okafor" not in text and "Redmoor" not in text
