from datetime import date

from django_tenants.utils import tenant_context

from welfare.choices import CaseStatus, Outcome
from welfare.models import Case, Concern, WelfareSettings


def test_a_case_and_a_concern_can_be_stored_in_an_organisations_schema(org_a, member):
    raiser = member(org_a, "organiser")
    with tenant_context(org_a):
        case = Case.objects.create(
            subject_given_name="Ama", subject_family_name="Owusu", opened_on=date(2026, 10, 1), status=CaseStatus.OPEN
        )
        concern = Concern.objects.create(
            raised_by=raiser,
            observed_on=date(2026, 9, 30),
            what_happened="x",
            subject_given_name="Ama",
            subject_family_name="Owusu",
            case=case,
        )
        case.team.add(raiser)
        settings = WelfareSettings.objects.create()
        assert settings.retention_days == 2190
        assert concern.case == case
        assert list(Case.objects.filter(team=raiser)) == [case]
        assert Outcome.PREVENT_REFERRAL == "prevent_referral"
