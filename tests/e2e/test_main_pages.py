"""Every page of the main journeys, in a real browser: what a person needs is on it, and axe-core finds nothing.

One tour through the demo network. Each stop asserts the visible content the person came
for (issue 9 §1: page tests asserted status codes only) and runs axe-core on the page
(issue 9 §6: 0 violations). Per-page axe results go to var/axe-results.txt (see conftest).
"""

from __future__ import annotations

import re

import pytest

from tests.signin_helpers import browser_sign_in

pytestmark = pytest.mark.browser

# The speaker whose check Northmoor's demo data shares with Eastbrook under the exchange agreement.
SPEAKER = "Prof Hiroshi Takeda"


def _text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_every_main_page_shows_what_its_person_needs_and_has_no_axe_violations(
    browser, hub_server, signed_in_page, audit
):
    # axe is live: it finds a known fault (an image with no text alternative) on a scratch page.
    anonymous = browser.new_context().new_page()
    anonymous.set_content('<html lang="en"><title>x</title><main><img src="data:,"></main></html>')
    assert "image-alt" in {v["id"] for v in audit.axe.run(anonymous).response["violations"]}

    # The public site: sign in, choose an organisation.
    anonymous.goto(hub_server.url(path="/login/"))
    assert anonymous.get_by_label("Email address").is_visible() and anonymous.get_by_label("Password").is_visible()
    audit.check(anonymous, "sign in")
    anonymous.context.close()

    amara = signed_in_page("amara.okafor@northmoor.example")
    assert amara.get_by_role("link", name="University of Northmoor").is_visible()
    audit.check(amara, "your organisations")

    # Northmoor, as its Prevent lead and admin.
    amara.goto(hub_server.url("northmoor"))
    assert amara.get_by_role("heading", level=1).inner_text() == "University of Northmoor"
    assert "Needs attention" in _text(amara) and "Amara Okafor" in _text(amara)
    audit.check(amara, "dashboard")

    amara.goto(hub_server.url("northmoor", "/people/"))
    assert "Tomasz Nowak" in _text(amara) and amara.get_by_label("Email address").is_visible()
    audit.check(amara, "people")

    amara.goto(hub_server.url("northmoor", "/api-tokens/"))
    assert amara.get_by_role("button", name=re.compile("token", re.I)).is_visible()
    audit.check(amara, "API tokens")

    amara.goto(hub_server.url("northmoor", "/agreements/"))
    assert amara.get_by_role("link", name=re.compile("exchange", re.I)).first.is_visible()
    audit.check(amara, "agreements")
    amara.get_by_role("link", name=re.compile("exchange", re.I)).first.click()
    assert amara.get_by_test_id("agreement-state").inner_text() == "Active"
    audit.check(amara, "agreement detail")

    amara.goto(hub_server.url("northmoor", "/agreements/new/"))
    assert amara.get_by_label("Start from").is_visible()
    audit.check(amara, "new agreement")

    amara.goto(hub_server.url("northmoor", "/speakers/"))
    assert "Urban rivers and flood risk" in _text(amara)
    audit.check(amara, "speaker requests")
    amara.get_by_role("row").filter(has_text="The ethics of gene editing").get_by_role("link").first.click()
    assert amara.get_by_test_id("outcome").inner_text() == "Approved with mitigations"
    assert SPEAKER in _text(amara)
    audit.check(amara, "speaker request detail")

    siobhan = signed_in_page("siobhan.kelly@northmoor.example")
    siobhan.goto(hub_server.url("northmoor", "/speakers/new/"))
    assert siobhan.get_by_role("button", name="Submit for review").is_visible()
    audit.check(siobhan, "new speaker request")

    mei = signed_in_page("mei.chen@northmoor.example")
    mei.goto(hub_server.url("northmoor", "/agreements/register/"))
    assert "ISA-" in _text(mei)
    audit.check(mei, "agreement register")

    # Eastbrook asks the network about the speaker, and opens the check it found.
    priya = signed_in_page("priya.raman@eastbrook.example")
    priya.goto(hub_server.url("eastbrook", "/exchange/"))
    assert priya.get_by_label("Speaker's name").is_visible()
    audit.check(priya, "exchange search")
    priya.get_by_label("Speaker's name").fill("hiroshi takeda")
    priya.get_by_role("button", name="Search").click()
    assert re.fullmatch(r"\d+ shared checks? found\.", priya.get_by_role("status").inner_text())
    result = priya.locator("article.result").filter(has_text="University of Northmoor").first
    assert result.get_by_test_id("speaker-name").inner_text() == SPEAKER
    audit.check(priya, "search results")
    result.get_by_role("link").first.click()
    priya.wait_for_url(re.compile(r".*/exchange/checks/\d+/$"))
    check_url = priya.url
    assert priya.get_by_test_id("speaker-name").inner_text() == SPEAKER
    assert priya.get_by_test_id("source").inner_text() == "University of Northmoor"
    assert priya.get_by_test_id("check-outcome").inner_text() == "Approved with mitigations"
    assert "Independent chair" in priya.get_by_test_id("mitigations").inner_text()
    assert re.match(r"Visible to you under agreement ISA-\d+ “", priya.get_by_test_id("agreement").inner_text())
    audit.check(priya, "shared check")

    priya.goto(hub_server.url("eastbrook", "/exchange/requests/"))
    assert priya.get_by_role("heading", name=re.compile("Asked by us")).is_visible()
    audit.check(priya, "requests for detail")

    # Northmoor, the source, sees the check in human terms and who opened it.
    amara.goto(hub_server.url("northmoor", "/exchange/shared/"))
    row = amara.get_by_test_id("shared-row").filter(has_text=SPEAKER).first
    assert "Active: others can open it until" in row.inner_text()
    assert "request:" not in _text(amara)
    audit.check(amara, "checks we shared")
    row.get_by_role("link").click()
    assert "Priya Raman" in amara.get_by_role("table").inner_text()
    audit.check(amara, "shared check detail and openings")

    amara.goto(hub_server.url("northmoor", "/exchange/settings/"))
    assert amara.get_by_role("group", name="When to share").is_visible()
    audit.check(amara, "sharing settings")

    # A link to the check from another site opens nothing until Priya presses Open.
    priya.goto("about:blank")
    priya.set_content(f'<a href="{check_url}">a link elsewhere</a>')
    priya.get_by_role("link", name="a link elsewhere").click()
    priya.wait_for_url(check_url)
    assert "You followed a link from another website" in _text(priya)
    assert SPEAKER not in _text(priya)
    audit.check(priya, "shared check, opened from another site")
    priya.get_by_role("button", name="Open the check").click()
    assert priya.get_by_test_id("speaker-name").inner_text() == SPEAKER

    # The platform operator.
    operator = signed_in_page("operator@hub.example")
    operator.goto(hub_server.url(path="/operator/organisations/"))
    assert operator.get_by_label("First admin's email address").is_visible()
    assert operator.get_by_role("cell", name="University of Northmoor").is_visible()
    audit.check(operator, "operator: organisations")

    audit.assert_clean()


def test_an_operator_onboards_an_organisation_and_its_first_admin_runs_it(browser, hub_server, signed_in_page, audit):
    # given: the operator creates an organisation, naming its first admin
    operator = signed_in_page("operator@hub.example")
    operator.goto(hub_server.url(path="/operator/organisations/"))
    form = operator.get_by_role("region", name="Create an organisation")
    form.get_by_label("Name").fill("Harbourside College")
    form.get_by_label("Slug").fill("harbourside")
    form.get_by_label("Kind").select_option("provider")
    form.get_by_label("First admin's email address").fill("nomvula.dlamini@harbourside.example")
    # Creating an organisation migrates a whole new schema (every tenant app) inside the request.
    form.get_by_role("button", name="Create organisation").click(timeout=60_000)
    message = operator.get_by_role("status").inner_text()
    assert "Created Harbourside College" in message
    (link,) = re.findall(r"http://\S+/invitations/[\w-]+/", message)
    audit.check(operator, "operator: organisation created, invitation link shown")

    # when: the first admin opens the link, makes an account, and signs in
    person = browser.new_context().new_page()
    person.goto(link)
    person.get_by_label("Your name").fill("Nomvula Dlamini")
    person.get_by_label("Choose a password").fill("Tide-lantern-4417")
    audit.check(person, "accept invitation")
    person.get_by_role("button", name="Accept invitation").click()
    assert "You are now a member of Harbourside College" in person.get_by_role("status").inner_text()
    # (as the organisation's admin she must set up two-factor sign-in: QR code and key, then a code)
    browser_sign_in(
        person,
        lambda path: hub_server.url(path=path),
        "nomvula.dlamini@harbourside.example",
        "Tide-lantern-4417",
        hub_server.database_url,
    )
    person.wait_for_url(hub_server.url(path="/"))
    person.get_by_role("link", name="Harbourside College").click()

    # then: on the new organisation's own host she is its admin, and can invite colleagues
    person.wait_for_url(hub_server.url("harbourside"))
    assert person.get_by_role("heading", level=1).inner_text() == "Harbourside College"
    person.goto(hub_server.url("harbourside", "/people/"))
    assert "Organisation admin" in person.locator("main").inner_text()
    invite = person.get_by_role("region", name="Invite someone")
    invite.get_by_label("Email address").fill("colleague@harbourside.example")
    invite.get_by_label("Prevent lead").check()
    invite.get_by_role("button", name="Create invitation").click()
    assert "colleague@harbourside.example" in person.get_by_role("status").inner_text()
    person.context.close()
    audit.assert_clean()
