"""Issue 10's journey, in a real browser: a member of staff at the franchise partner raises a concern,
the safeguarding team is told (naming no one) and opens a case, the Prevent lead gives a reason to open
it, records the stages, the referral to Prevent and the ideology category, exports the pre-filled referral
form (the hub sends nothing), shares the case at summary level, and the termly counts go out; at the
validating university the Prevent lead sees the summary under a pseudonym and the counts with small
numbers suppressed. A safeguarding officer off the case team and the university's reviewer see nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser

PARTNER = "northmoor-college"
UNIVERSITY = "northmoor"
STAFF = "rhiannon.evans@northmoor-college.example"  # an event organiser: staff, not the safeguarding team
OFFICER = "kofi.asante@northmoor-college.example"  # safeguarding officer; never on this case's team
LEAD = "fatima.rahman@northmoor-college.example"  # the partner's Prevent lead (also in the safeguarding team)
UNIVERSITY_LEAD = "amara.okafor@northmoor.example"
UNIVERSITY_REVIEWER = "tomasz.nowak@northmoor.example"  # no referrals right
GIVEN, FAMILY = "Tevita", "Halvorsen-Mbeki"  # fictional
NUMBER = "NIC-448213"
WHAT = "In a tutorial he said an online group had told him an attack on a mosque would be justified."
REFERENCE = "PRV-2026-0417"
REASON = "Prevent lead: recording the referral decided with the safeguarding team."

# Opens the hub's live channel from the page and keeps every message it receives.
LISTEN = """() => new Promise((resolve, reject) => {
  window.hubMessages = [];
  const socket = new WebSocket(`ws://${location.host}/ws/presence/`);
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    window.hubMessages.push(message);
    if (message.type === "hello") resolve(true);
  };
  socket.onclose = () => reject(new Error("the live channel closed"));
})"""


def _text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def _pseudonyms(page) -> set[str]:
    return {row.get_by_role("cell").first.inner_text() for row in page.get_by_test_id("case-summary").all()}


def _notifications(page, wait: bool = False) -> list[dict]:
    """What the live channel opened by LISTEN delivered to this page so far (waiting for one if asked)."""
    if wait:
        page.wait_for_function("() => window.hubMessages.some((m) => m.type === 'notification')", timeout=10_000)
    return [m for m in page.evaluate("window.hubMessages") if m["type"] == "notification"]


def _day(when) -> str:
    return f"{when.day} {when:%b %Y}"


def test_a_concern_becomes_a_prevent_referral_and_reaches_the_validating_university_only_as_allowed(
    signed_in_page, hub_server, audit, tmp_path: Path
):
    today = timezone.localdate()
    iso = today.isoformat()

    # The university's Prevent lead, before anything happens: what the partner has sent so far.
    amara = signed_in_page(UNIVERSITY_LEAD)
    amara.goto(hub_server.url(UNIVERSITY))
    amara.get_by_role("navigation", name="Sections").get_by_role("link", name="Referrals").click()
    amara.get_by_role("link", name="What partners sent us").click()
    amara.wait_for_url(hub_server.url(UNIVERSITY, "/referrals/received/"))
    pseudonyms_before = _pseudonyms(amara)
    assert amara.evaluate(LISTEN) is True

    # The safeguarding officer at the partner has the welfare page open, listening live.
    kofi = signed_in_page(OFFICER)
    kofi.goto(hub_server.url(PARTNER))
    kofi.get_by_role("navigation", name="Sections").get_by_role("link", name="Welfare").click()
    waiting_before = int(kofi.get_by_test_id("waiting").inner_text())
    assert kofi.evaluate(LISTEN) is True

    # 1. Rhiannon, a member of staff at the partner, raises a concern.
    rhiannon = signed_in_page(STAFF)
    rhiannon.goto(hub_server.url(PARTNER))
    assert rhiannon.get_by_role("navigation", name="Sections").get_by_role("link", name="Referrals").count() == 0
    rhiannon.get_by_role("navigation", name="Sections").get_by_role("link", name="Welfare").click()
    rhiannon.get_by_role("link", name="Raise a concern").click()
    audit.check(rhiannon, "welfare: raise a concern")
    rhiannon.get_by_label("Student", exact=True).check()
    rhiannon.get_by_label("Their given name").fill(GIVEN)
    rhiannon.get_by_label("Their family name").fill(FAMILY)
    rhiannon.get_by_label("Student or staff number").fill(NUMBER)
    rhiannon.get_by_label("When did you see or hear it?").fill(iso)
    rhiannon.get_by_label("What did you see or hear?").fill(WHAT)
    rhiannon.get_by_role("button", name="Send to the safeguarding team").click()
    rhiannon.wait_for_url(hub_server.url(PARTNER, "/welfare/"))
    assert "Your concern has been received" in rhiannon.get_by_role("status").inner_text()

    # She sees only what she raised, and its status; nothing of any case, no team pages.
    mine = rhiannon.get_by_test_id("my-concern").filter(has_text=f"{GIVEN} {FAMILY}")
    assert mine.count() == 1
    assert WHAT[:40] in mine.inner_text()
    assert mine.get_by_test_id("concern-status").inner_text() == "Received"
    assert rhiannon.get_by_role("link", name="Triage").count() == 0
    assert rhiannon.get_by_role("link", name="Cases you can see").count() == 0
    audit.check(rhiannon, "welfare: my concerns")

    # 2. The safeguarding officer was told at once, by a notification that names no one.
    notes = _notifications(kofi, wait=True)
    assert notes[0]["payload"]["kind"] == "concern" and notes[0]["payload"]["url"].startswith("/welfare/triage/")
    told = json.dumps(notes)
    for name in (GIVEN, FAMILY, NUMBER, "Rhiannon", "Evans"):
        assert name not in told
    kofi.reload()
    assert int(kofi.get_by_test_id("waiting").inner_text()) == waiting_before + 1
    kofi.get_by_role("link", name="Triage").click()
    row = kofi.get_by_test_id("triage-row").filter(has_text=f"{GIVEN} {FAMILY}")
    assert row.count() == 1
    audit.check(kofi, "welfare: triage queue")

    # 3. Fatima, the partner's Prevent lead (in the safeguarding team), triages it into a case.
    fatima = signed_in_page(LEAD)
    fatima.goto(kofi.url)
    fatima.get_by_test_id("triage-row").filter(has_text=f"{GIVEN} {FAMILY}").get_by_role("link").click()
    assert fatima.get_by_test_id("status").inner_text() == "Received"
    assert WHAT in _text(fatima)
    audit.check(fatima, "welfare: triage a concern")
    fatima.get_by_label("Case opened").check()
    fatima.get_by_role("button", name="Record the triage").click()

    # 4. Opening the case asks why, the first time in this session.
    fatima.get_by_role("heading", name=re.compile(r"^Open case \d+$")).wait_for()
    case_id = int(fatima.get_by_role("heading", level=1).inner_text().split()[-1])
    case_url = hub_server.url(PARTNER, f"/welfare/cases/{case_id}/")
    audit.check(fatima, "welfare: reason for opening a case")
    assert GIVEN not in _text(fatima)  # nothing of the case before the reason
    fatima.get_by_label("Why are you opening this case?").fill(REASON)
    fatima.get_by_role("button", name="Open the case").click()
    fatima.wait_for_url(case_url)
    assert fatima.get_by_role("heading", level=1).inner_text() == f"Case {case_id}: {GIVEN} {FAMILY}"
    opening = fatima.get_by_test_id("opening").first
    assert "Fatima Rahman" in opening.inner_text() and REASON in opening.inner_text()
    assert fatima.get_by_test_id("outcome").inner_text() == "Not yet decided"
    audit.check(fatima, "welfare: case")

    # Rhiannon now sees her concern is being looked at, and still nothing of the case.
    rhiannon.reload()
    assert mine.get_by_test_id("concern-status").inner_text() == "Being looked at"
    assert f"Case {case_id}" not in _text(rhiannon)
    rhiannon.goto(case_url)
    assert rhiannon.get_by_role("heading", level=1).inner_text() == "You cannot do that here"
    assert "Chronology" not in _text(rhiannon) and REASON not in _text(rhiannon)

    # 5. The stages, each with its date, the outcome with date and reference, the ideology category.
    fatima.get_by_role("link", name="Record stages and outcome").click()
    audit.check(fatima, "welfare: stages and outcome")
    fatima.get_by_label("Prevent lead involved on").fill(iso)
    fatima.get_by_label("External advice sought on").fill(iso)
    fatima.get_by_label("Formal external referral made on").fill(iso)
    fatima.get_by_label("Outcome", exact=True).select_option(label="Referral to Prevent")
    fatima.get_by_label("Date of the referral to Prevent").fill(iso)
    fatima.get_by_label("Prevent referral reference").fill(REFERENCE)
    fatima.get_by_label("Ideology category").select_option(label="Extreme right-wing")
    fatima.get_by_role("button", name="Record").click()
    fatima.wait_for_url(case_url)
    assert "Stages and outcome recorded" in fatima.get_by_role("status").inner_text()
    assert [s.inner_text() for s in fatima.get_by_test_id("stage").all()] == [_day(today)] * 3
    outcome = fatima.get_by_test_id("outcome").inner_text()
    assert outcome == f"Referral to Prevent (sent {_day(today)}, reference {REFERENCE})"
    assert "Extreme right-wing" in _text(fatima)

    # Her list of cases puts the open ones first, the newest on top; back on the case, no reason is asked again.
    fatima.get_by_role("link", name="All cases you can see").click()
    first = fatima.get_by_test_id("case-row").first
    assert first.get_by_role("link").inner_text() == f"Case {case_id}" and "Open" in first.inner_text()
    audit.check(fatima, "welfare: cases")
    first.get_by_role("link").click()
    fatima.wait_for_url(case_url)
    assert fatima.get_by_role("heading", level=1).inner_text() == f"Case {case_id}: {GIVEN} {FAMILY}"

    # 6. The referral form's fields, pre-filled, as a file: the hub does not send it.
    with fatima.expect_download() as download:
        fatima.get_by_role("link", name=re.compile("Download the Prevent referral form")).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"prevent-referral-form-case-{case_id}.json"
    form = json.loads(saved.read_text())
    assert form["form"] == "Prevent national referral form"
    assert form["individual"]["given_names"] == GIVEN and form["individual"]["family_name"] == FAMILY
    assert form["individual"]["student_or_staff_number"] == NUMBER
    assert form["individual"]["education_setting"] == "Northmoor International College"
    assert form["referrer"]["name"] == "Fatima Rahman"
    assert form["concerns"]["what_was_seen_or_heard"][0]["description"] == WHAT
    assert form["concerns"]["ideology_or_nature_of_concern"] == "Extreme right-wing"
    assert [s["stage"] for s in form["steps_taken_so_far"]] == [
        "Prevent lead involved",
        "External advice sought",
        "Formal external referral made",
    ]
    assert "address" in " ".join(form["to_complete"])
    assert "the hub has not sent it" in form["note"]
    # ... and nothing reached the university: it has exactly what it had before.
    assert _notifications(amara) == []
    amara.reload()
    assert _pseudonyms(amara) == pseudonyms_before
    assert FAMILY not in _text(amara)
    assert amara.evaluate(LISTEN) is True

    # 7. The attacker inside the partner: a safeguarding officer off the case team gets "not found",
    # exactly as for a case that does not exist.
    kofi.goto(hub_server.url(PARTNER, "/welfare/cases/999999/"))
    missing = _text(kofi)
    assert kofi.get_by_role("heading", level=1).inner_text() == "Not found"
    kofi.goto(case_url)
    assert _text(kofi) == missing
    assert GIVEN not in _text(kofi) and FAMILY not in kofi.content()
    kofi.goto(hub_server.url(PARTNER, "/welfare/cases/"))
    assert f"Case {case_id}" not in _text(kofi) and FAMILY not in _text(kofi)

    # 8. The partner shares the case at summary level with its validating university.
    fatima.get_by_role("link", name="Share with a validating university").click()
    fatima.wait_for_url(hub_server.url(PARTNER, f"/referrals/cases/{case_id}/"))
    audit.check(fatima, "referrals: sharing a case")
    fatima.get_by_label("Send the summary to").select_option(label="University of Northmoor")
    fatima.get_by_role("button", name="Send the summary").click()
    fatima.wait_for_url(hub_server.url(PARTNER, f"/referrals/cases/{case_id}/"))
    assert "It names no one" in fatima.get_by_role("status").inner_text()
    sent = fatima.get_by_test_id("recipient").filter(has_text="University of Northmoor")
    assert "Sent" in sent.inner_text()

    # ... and the termly counts go out (the daily command; it sends the term that ended last).
    report = hub_server.manage("referrals_send_aggregates")
    assert re.search(r"Northmoor International College → University of Northmoor: (already )?sent", report)

    # 9. At the university, the Prevent lead is told something arrived (naming no one), and sees one new
    # case, under a pseudonym, with stage and outcome.
    told = _notifications(amara, wait=True)
    assert {n["payload"]["event"] for n in told} == {"referrals.received"}
    assert "summary" in {n["payload"].get("level") for n in told}
    for name in (GIVEN, FAMILY, NUMBER):
        assert name not in json.dumps(told)
    amara.goto(hub_server.url(UNIVERSITY, "/referrals/received/"))
    partner = amara.get_by_test_id("partner").filter(has_text="Northmoor International College")
    (pseudonym,) = _pseudonyms(amara) - pseudonyms_before
    assert re.fullmatch(r"CASE-[0-9A-Z]{4}-[0-9A-Z]{4}", pseudonym)
    cells = [
        c.inner_text()
        for c in partner.get_by_test_id("case-summary").filter(has_text=pseudonym).get_by_role("cell").all()
    ]
    month = f"{today:%B %Y}"  # the summary names months in words (review: no ISO codes shown to people)
    assert cells[:5] == [
        pseudonym,
        "Formal external referral made",
        f"Prevent lead involved ({month}); External advice sought ({month}); Formal external referral made ({month})",
        f"Referral to Prevent ({month})",
        "Open",
    ]
    page = _text(amara)
    for identifying in (GIVEN, FAMILY, NUMBER, WHAT, REFERENCE, str(case_id) + ":"):
        assert identifying not in page
    assert GIVEN not in amara.content() and FAMILY not in amara.content() and NUMBER not in amara.content()
    # the termly counts, with small numbers suppressed
    counts = partner.get_by_test_id("aggregate")
    assert counts.count() >= 1
    assert "threshold 5" in counts.first.inner_text()
    assert partner.get_by_role("cell", name="fewer than 5", exact=True).count() >= 1
    audit.check(amara, "referrals: received at the validating university")

    # 10. The university's reviewer, who holds no referrals right, cannot see what partners sent.
    tomasz = signed_in_page(UNIVERSITY_REVIEWER)
    tomasz.goto(hub_server.url(UNIVERSITY))
    assert tomasz.get_by_role("navigation", name="Sections").get_by_role("link", name="Referrals").count() == 0
    tomasz.goto(hub_server.url(UNIVERSITY, "/referrals/received/"))
    assert tomasz.get_by_role("heading", level=1).inner_text() == "You cannot do that here"
    assert "needs the 'referrals:read_received' right" in _text(tomasz)
    assert "Northmoor International College" not in _text(tomasz) and pseudonym not in _text(tomasz)

    audit.assert_clean()
