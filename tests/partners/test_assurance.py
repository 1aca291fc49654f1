"""The validating university's assurance page, a received report, comments and training."""

from datetime import timedelta

from django_tenants.utils import tenant_context

from core.dates import today
from core.models import AuditEvent
from partners.models import ReportComment, TrainingRecord
from partners.periods import previous_term
from tests.html_text import visible_text as _visible_text
from tests.partners.conftest import LAST_TERM, seed_concern


def visible_text(response) -> str:
    """The visible text, with the space before punctuation that follows a link or a tag closed up."""
    return _visible_text(response).replace(" ,", ",").replace(" :", ":").replace(" .", ".")


EARLIER_TERM = previous_term(LAST_TERM)  # ended at least three months ago: its report is overdue if missing


def _franchise_since_before_the_earlier_term(w):
    return w.franchise(start_date=EARLIER_TERM.start - timedelta(days=1), review_date=today() + timedelta(days=400),
                       expiry_date=today() + timedelta(days=800))  # fmt: skip


def test_partner_files_a_report_and_it_appears_on_the_universitys_assurance_page(w, client_on):
    # given: an agreement in force since before the earlier term, and six concerns in the last term
    _franchise_since_before_the_earlier_term(w)
    with tenant_context(w.partner):
        for n in range(6):
            seed_concern(LAST_TERM.start + timedelta(days=3), n)
    w.file(LAST_TERM, open_actions="Refresh the external speaker training by March.")

    # when: the university's Prevent lead opens the assurance page
    page = visible_text(client_on(w.university, w.uni_lead).get("/partners/"))

    # then: the partner, its last report (received today), the counts, and the earlier term overdue
    assert "Alderley Partner College" in page
    assert f"{LAST_TERM.label}, version 1, received {today():%-d %b %Y}" in page
    assert "Concerns raised 6" in page
    assert f"Overdue: {EARLIER_TERM.label} report" in page
    assert "Refresh the external speaker training by March." in page
    assert "Franchise partner Prevent reporting agreement" in page


def test_a_partner_needing_attention_comes_before_one_that_does_not(w, client_on, member):
    from tenants import services as tenant_services
    from tenants.models import OrganisationKind

    _franchise_since_before_the_earlier_term(w)
    w.file(LAST_TERM)
    w.file(EARLIER_TERM)
    # a second partner, validated by the same university, with no agreement at all
    other = tenant_services.organisation_create(actor=None, name="Aaronsfield Partner College",
                                                slug="aaronsfield-college", kind=OrganisationKind.PARTNER,
                                                validated_by=w.university)  # fmt: skip

    page = visible_text(client_on(w.university, w.uni_lead).get("/partners/"))

    assert page.index(other.name) < page.index("Alderley Partner College")
    assert "No agreement" in page


def test_the_university_opens_a_received_report_and_its_prevent_lead_comments_on_it(w, client_on):
    w.franchise()
    w.file(LAST_TERM, policy_changes="New external speaker procedure adopted.")
    from sharing.models import SharedCheck

    record = SharedCheck.objects.get(source=w.partner, is_current=True)
    client = client_on(w.university, w.uni_lead)

    shown = visible_text(client.get(f"/partners/received/{record.pk}/"))
    posted = client.post(f"/partners/received/{record.pk}/", {"text": "Thank you: please share the new procedure."})
    again = visible_text(client.get(f"/partners/received/{record.pk}/"))

    assert "New external speaker procedure adopted." in shown
    assert f"Signed off by {w.lead.full_name} (Prevent lead)" in shown
    assert posted.status_code == 302
    assert "Thank you: please share the new procedure." in again
    event = AuditEvent.objects.get(action="partners.report.comment")
    assert "Thank you" not in str(event.detail)
    with tenant_context(w.partner):  # the comment stays at the university
        assert not ReportComment.objects.exists()


def test_a_dpo_may_read_but_not_comment_and_nothing_is_stored(w, client_on):
    w.franchise()
    w.file(LAST_TERM)
    from sharing.models import SharedCheck

    record = SharedCheck.objects.get(source=w.partner, is_current=True)
    client = client_on(w.university, w.uni_dpo)

    assert client.get(f"/partners/received/{record.pk}/").status_code == 200
    assert client.post(f"/partners/received/{record.pk}/", {"text": "Noted."}).status_code == 403
    with tenant_context(w.university):
        assert not ReportComment.objects.exists()


def test_the_university_records_training_it_delivered_to_the_partners_staff_and_sees_it(w, client_on):
    w.franchise()
    client = client_on(w.university, w.uni_lead)
    day = today() - timedelta(days=7)

    response = client.post("/partners/training/partners/", {
        "partner": w.partner.pk, "delivered_on": day.isoformat(),
        "topic": "Prevent duty for partner tutors", "audience": "Tutors", "attendees": "18",
    })  # fmt: skip
    page = visible_text(client.get("/partners/"))

    assert response.status_code == 302
    assert "Prevent duty for partner tutors Tutors 18" in page
    with tenant_context(w.university):
        assert TrainingRecord.objects.get().partner_id == w.partner.pk


def test_training_for_an_organisation_the_university_does_not_validate_is_refused(w, client_on, org_b):
    client = client_on(w.university, w.uni_lead)
    response = client.post("/partners/training/partners/", {
        "partner": org_b.pk, "delivered_on": "2025-01-10", "topic": "Prevent", "audience": "Tutors", "attendees": "5",
    })  # fmt: skip
    assert response.status_code == 400
    with tenant_context(w.university):
        assert not TrainingRecord.objects.exists()


def test_concerns_and_referrals_appear_as_the_agreement_allows_and_only_for_those_who_may_read_them(w, client_on):
    from referrals import services as referral_services
    from referrals.periods import last_ended
    from tests.partners.conftest import seed_case

    w.franchise()
    with tenant_context(w.partner):
        case = seed_case(LAST_TERM.start, stages=2, outcome="specialist_advice_support", n=5)
        referral_services.case_summary_share(actor=w.lead, case=case, recipient=w.university)
        referral_services.aggregate_send(source=w.partner, term=last_ended(today()))

    lead_page = visible_text(client_on(w.university, w.uni_lead).get("/partners/"))
    auditor_page = visible_text(client_on(w.university, w.drafting.member(w.university, "auditor")).get("/partners/"))

    assert "1 case notification (pseudonymised)" in lead_page
    assert "Referral for specialist advice and support" in lead_page
    assert "Cases open in the term, by outcome and furthest stage" in lead_page
    assert "Patel" not in lead_page  # the subject (Dev Patel) is never named
    assert "Referrals received from" not in auditor_page  # the auditor oversees but may not read referrals
