"""The workflow through the pages: accessible forms, field errors, 403/404 as the rules say."""

from datetime import timedelta

from django_tenants.utils import tenant_context

from speakers import services
from speakers.models import Decision, EventRequest, Mitigation
from tests.speakers.conftest import SPEAKERS, approve, assess, details, in_days, submit

EVENT = {
    "title": "Faith and the city", "starts_at": in_days(40).strftime("%Y-%m-%dT%H:%M"), "venue": "Room 4",
    "format": "in_person", "expected_audience": "60", "organising_body": "Interfaith Society",
    "speakers-TOTAL_FORMS": "3", "speakers-INITIAL_FORMS": "0", "speakers-MIN_NUM_FORMS": "0",
    "speakers-MAX_NUM_FORMS": "10", "speakers-0-name": "Rabbi Miriam Oyelaran-Katz", "speakers-0-topic": "Cities",
}  # fmt: skip


def test_the_whole_workflow_through_the_pages(a, org_a, client_on):
    organiser, reviewer = client_on(org_a, a.organiser), client_on(org_a, a.reviewer)

    response = organiser.post("/speakers/new/", {**EVENT, "submit": "1"})
    assert response.status_code == 302
    with tenant_context(org_a):
        request = EventRequest.objects.get()
    page = reviewer.get(f"/speakers/{request.pk}/assess/")
    assert page.status_code == 200 and "Freedom-of-speech considerations" in page.content.decode()
    with tenant_context(org_a):
        chair = Mitigation.objects.get(label="Independent chair").pk
    assert reviewer.post(f"/speakers/{request.pk}/assess/", {
        "risk_level": "medium", "free_speech_considerations": "Lawful debate.", "mitigations": [str(chair)],
    }).status_code == 302  # fmt: skip
    with tenant_context(org_a):
        proposed = request.mitigations.get().pk
    response = reviewer.post(f"/speakers/{request.pk}/decide/", {
        "outcome": "approved_with_mitigations", "reasons": "Lawful; a chair keeps it balanced.",
        "imposed_mitigation_ids": [str(proposed)],
    })  # fmt: skip
    assert response.status_code == 302

    detail = organiser.get(f"/speakers/{request.pk}/").content.decode()
    assert "Approved with mitigations" in detail and "Independent chair" in detail


def test_a_missing_field_is_shown_beside_its_field_and_in_the_summary(a, org_a, client_on):
    response = client_on(org_a, a.organiser).post("/speakers/new/", {**EVENT, "venue": "", "submit": "1"})

    body = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in body and 'href="#id_venue"' in body and 'id="id_venue_error"' in body
    with tenant_context(org_a):
        assert not EventRequest.objects.exists()


def test_a_decision_page_post_by_an_organiser_is_forbidden_and_records_nothing(a, org_a, client_on):
    client_on(org_a, a.organiser).post("/speakers/new/", {**EVENT, "submit": "1"})
    with tenant_context(org_a):
        request = EventRequest.objects.get()

    response = client_on(org_a, a.organiser).post(f"/speakers/{request.pk}/decide/",
                                                  {"outcome": "approved", "reasons": "Mine."})  # fmt: skip

    assert response.status_code == 403
    with tenant_context(org_a):
        assert not Decision.objects.exists()


def test_another_organisations_request_is_not_found(a, b, org_a, org_b, client_on):
    client_on(org_a, a.organiser).post("/speakers/new/", {**EVENT, "submit": "1"})
    with tenant_context(org_a):
        pk = EventRequest.objects.get().pk

    assert client_on(org_b, b.prevent_lead).get(f"/speakers/{pk}/").status_code == 404
    assert client_on(org_a, a.other_organiser).get(f"/speakers/{pk}/").status_code == 404
    assert client_on(org_a, a.auditor).get(f"/speakers/{pk}/").status_code == 200


def test_the_register_searches_filters_and_counts(a, org_a, client_on):
    client_on(org_a, a.organiser).post("/speakers/new/", {**EVENT, "submit": "1"})
    reviewer = client_on(org_a, a.reviewer)

    assert "Faith and the city" in reviewer.get("/speakers/?q=Oyelaran").content.decode()
    assert "Faith and the city" not in reviewer.get("/speakers/?q=nobody").content.decode()
    assert "Faith and the city" not in reviewer.get("/speakers/?status=decided").content.decode()
    assert reviewer.get("/speakers/export.csv")["Content-Type"].startswith("text/csv")


def test_procedure_audit_sample_and_import_pages_answer(a, org_a, client_on):
    admin = client_on(org_a, a.admin)
    assert admin.get("/speakers/procedure/").status_code == 200
    assert admin.post("/speakers/procedure/", {
        "reviewing_roles": ["reviewer"], "higher_risk_criteria": "A\nB", "minimum_notice_working_days": "10",
        "senior_decision_maker_role": "senior_decision_maker", "decision_validity_months": "6",
    }).status_code == 302  # fmt: skip
    assert client_on(org_a, a.auditor).get("/speakers/audit-sample/?date_from=2025-01-01&date_to=2025-12-31&size=3"
                                           ).status_code == 200  # fmt: skip
    assert admin.get("/speakers/import/").status_code == 200
    assert client_on(org_a, a.organiser).post(
        "/speakers/procedure/", {"minimum_notice_working_days": "1"}
    ).status_code in (400, 403)


# -- issue 9 §6: the register is paged, sortable and ordered by urgency, with flags ---------------


def _many(organiser, count, **fields):
    from django.utils import timezone

    from speakers.choices import Status

    now = timezone.now()
    rows = [EventRequest(organiser=organiser, title=f"Seminar {i:03d}", reference=f"R-{i:03d}", status=Status.DECIDED,
                         starts_at=now - timedelta(days=i), **fields) for i in range(count)]  # fmt: skip
    return EventRequest.objects.bulk_create(rows)


def test_a_long_register_is_paged_25_at_a_time_and_keeps_its_filters(a, org_a, client_on):
    with tenant_context(org_a):
        _many(a.organiser, 60)
    reviewer = client_on(org_a, a.reviewer)

    first = reviewer.get("/speakers/?q=Seminar").content.decode()
    last = reviewer.get("/speakers/?q=Seminar&page=3").content.decode()

    assert first.count('data-testid="register-row"') == 25 and "Page 1 of 3" in first
    assert "Showing 1 to 25 of 60" in first and 'href="?q=Seminar&amp;page=2"' in first
    assert last.count('data-testid="register-row"') == 10 and "Showing 51 to 60 of 60" in last
    assert reviewer.get("/speakers/?page=999").status_code == 200


def test_the_register_sorts_by_a_column_and_says_how(a, org_a, client_on):
    with tenant_context(org_a):
        _many(a.organiser, 3)
    reviewer = client_on(org_a, a.reviewer)

    by_reference = reviewer.get("/speakers/?sort=reference").content.decode()
    reversed_ = reviewer.get("/speakers/?sort=-reference").content.decode()

    assert by_reference.index("R-000") < by_reference.index("R-002") and 'aria-sort="ascending"' in by_reference
    assert reversed_.index("R-002") < reversed_.index("R-000") and 'aria-sort="descending"' in reversed_
    assert "reference, z to a" in reversed_
    assert reviewer.get("/speakers/?sort=shoe-size").status_code == 400


def test_the_register_puts_waiting_requests_first_soonest_event_first_with_risk_and_notice_flags(a, org_a, client_on):
    with tenant_context(org_a):
        decided = submit(a.organiser, title="Decided last week")
        assess(a.reviewer, decided)
        approve(a.reviewer, decided)
        later = submit(a.organiser, title="Waiting, in two months", starts_at=in_days(60))
        soon = services.event_request_submit(
            actor=a.organiser, details=details(title="Waiting, in three days", starts_at=in_days(3)),
            speakers=SPEAKERS, short_notice_reason="The speaker confirmed late.",
        )  # fmt: skip
        risky = submit(a.organiser, title="Escalated, in a month", starts_at=in_days(30))
        assess(a.reviewer, risky, risk_level="high")
        services.event_request_escalate(actor=a.reviewer, event_request=risky, decision_maker=a.senior, note="High.")
        assert later and soon

    body = client_on(org_a, a.reviewer).get("/speakers/").content.decode()

    order = [body.index(t) for t in ("Waiting, in three days", "Escalated, in a month", "Waiting, in two months",
                                     "Decided last week")]  # fmt: skip
    assert order == sorted(order)
    titles = ("Waiting, in three days", "Escalated, in a month", "Waiting, in two months")
    row_of = {t: body[body.index(t) : body.index("</tr>", body.index(t))] for t in titles}
    assert "Short notice (" in row_of["Waiting, in three days"]
    assert "Higher risk" in row_of["Escalated, in a month"] and "Higher risk" not in row_of["Waiting, in two months"]
    assert "Short notice" not in row_of["Waiting, in two months"]


def test_the_register_api_lists_in_urgency_order_and_sorts_on_request(a, org_a, client_on):
    with tenant_context(org_a):
        submit(a.organiser, title="Later", starts_at=in_days(60))
        submit(a.organiser, title="Sooner", starts_at=in_days(30))
    reviewer = client_on(org_a, a.reviewer)

    default = reviewer.get("/api/v1/speakers/requests/").json()
    by_title = reviewer.get("/api/v1/speakers/requests/?sort=-title").json()
    by_title_a_to_z = reviewer.get("/api/v1/speakers/requests/?sort=title").json()

    def titles(payload):
        rows = payload["results"] if isinstance(payload, dict) else payload
        return [r["title"] for r in rows]

    assert titles(default) == ["Sooner", "Later"]
    assert titles(by_title) == ["Sooner", "Later"] and titles(by_title_a_to_z) == ["Later", "Sooner"]
    assert reviewer.get("/api/v1/speakers/requests/?sort=shoe-size").status_code == 400


# -- issue 9 §6: the request form takes any number of speakers, added and removed without JavaScript --


def _speaker_fields(names):
    fields = {"speakers-TOTAL_FORMS": str(len(names)), "speakers-INITIAL_FORMS": "0",
              "speakers-MIN_NUM_FORMS": "1", "speakers-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for i, name in enumerate(names):
        fields |= {f"speakers-{i}-name": name, f"speakers-{i}-topic": f"Topic of {name}" if name else ""}
    return fields


EVENT_ONLY = {k: v for k, v in EVENT.items() if not k.startswith("speakers-")}
NAMES = ["Łucja Wróblewska", "Nguyễn Thị Bảo Ngọc", "Tavita Leota-Brandt", "Aroha Ngata-Singh", "Dawit Bekele Haile"]


def test_a_new_request_starts_with_one_speaker_and_enter_saves_a_draft(a, org_a, client_on):
    body = client_on(org_a, a.organiser).get("/speakers/new/").content.decode()

    assert body.count("<legend>Speaker ") == 1 and "Add another speaker" in body
    assert "Remove speaker 1" not in body
    first_button = body[body.index("<button", body.index('<form method="post" novalidate>')) :]
    assert first_button.startswith('<button type="submit" name="draft"')


def test_add_another_speaker_keeps_what_was_typed_and_a_request_can_have_five_speakers(a, org_a, client_on):
    organiser = client_on(org_a, a.organiser)

    page = organiser.post("/speakers/new/", {**EVENT_ONLY, **_speaker_fields(NAMES[:4]), "add_speaker": "1"})

    body = page.content.decode()
    assert page.status_code == 200 and body.count("<legend>Speaker ") == 5
    assert "Speaker 5 added" in body and all(name in body for name in NAMES[:4])
    assert 'name="speakers-4-name"' in body and "autofocus" in body
    with tenant_context(org_a):
        assert not EventRequest.objects.exists()

    organiser.post("/speakers/new/", {**EVENT_ONLY, **_speaker_fields(NAMES), "submit": "1"})
    with tenant_context(org_a):
        assert [s.name for s in EventRequest.objects.get().speakers.all()] == NAMES


def test_remove_speaker_takes_out_that_block_and_keeps_the_others(a, org_a, client_on):
    organiser = client_on(org_a, a.organiser)

    page = organiser.post("/speakers/new/", {**EVENT_ONLY, **_speaker_fields(NAMES[:3]), "remove_speaker": "1"})

    body = page.content.decode()
    assert body.count("<legend>Speaker ") == 2 and "Speaker 2 removed" in body
    assert NAMES[0] in body and NAMES[2] in body and NAMES[1] not in body
    assert 'value="Faith and the city"' in body
    with tenant_context(org_a):
        assert not EventRequest.objects.exists()


def test_a_speaker_removed_from_a_draft_is_gone_when_the_draft_is_saved(a, org_a, client_on):
    organiser = client_on(org_a, a.organiser)
    organiser.post("/speakers/new/", {**EVENT_ONLY, **_speaker_fields(NAMES[:2]), "draft": "1"})
    with tenant_context(org_a):
        draft = EventRequest.objects.get()
    edit = organiser.get(f"/speakers/{draft.pk}/edit/").content.decode()
    assert "Remove speaker 2" in edit and NAMES[1] in edit

    organiser.post(f"/speakers/{draft.pk}/edit/", {**EVENT_ONLY, **_speaker_fields(NAMES[:1]), "draft": "1"})

    with tenant_context(org_a):
        assert [s.name for s in draft.speakers.all()] == NAMES[:1]
