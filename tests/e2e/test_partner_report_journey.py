"""The partner's Prevent lead files a report; the validating university sees it and comments on it."""

import pytest

from core.dates import today
from partners.periods import term_containing

pytestmark = pytest.mark.browser


def test_a_partner_files_a_report_and_it_appears_on_the_universitys_assurance_page(signed_in_page, hub_server, audit):
    period = term_containing(today())

    # given: Fatima, the college's Prevent lead, assembles this term's report
    fatima = signed_in_page("fatima.rahman@northmoor-college.example")
    fatima.goto(hub_server.url("northmoor-college", "/partners/reports/"))
    audit.check(fatima, "partner reports")
    fatima.get_by_label("Reporting period").select_option(period.code)
    fatima.get_by_role("button", name="Assemble").click()
    fatima.wait_for_url("**/partners/reports/*/")
    assert fatima.get_by_test_id("status").inner_text() == "Draft"
    audit.check(fatima, "partner report, draft")

    # when: she adds the policy changes and signs it off
    fatima.get_by_role("link", name="Edit what we write").click()
    audit.check(fatima, "partner report, edit")
    fatima.get_by_label("Policy changes").fill("Prevent risk assessment reviewed with the governors in October.")
    fatima.get_by_role("button", name="Save").click()
    fatima.get_by_role("button", name="Sign off and send").click()
    assert fatima.get_by_text("Signed off and sent to University of Northmoor under the agreement.").is_visible()
    assert fatima.get_by_test_id("status").inner_text() == "Signed off and sent"

    # then: Amara, the university's Prevent lead, sees it first on the assurance page
    amara = signed_in_page("amara.okafor@northmoor.example")
    amara.goto(hub_server.url("northmoor", "/partners/"))
    block = amara.get_by_test_id("partner-block").filter(has_text="Northmoor International College")
    assert block.get_by_test_id("last-report").inner_text().startswith(f"{period.label}, version 1, received")
    assert block.get_by_text("Prevent risk assessment reviewed with the governors in October.").is_visible()
    audit.check(amara, "partner assurance")

    # and: she opens the report and comments on it
    block.get_by_test_id("last-report").get_by_role("link").click()
    assert amara.get_by_role("heading", name=f"Northmoor International College: {period.label}").is_visible()
    amara.get_by_role("textbox", name="Comment").fill("Thank you; please share the reviewed risk assessment.")
    amara.get_by_role("button", name="Add comment").click()
    assert (
        amara.get_by_test_id("comments")
        .get_by_text("Thank you; please share the reviewed risk assessment.")
        .is_visible()
    )
    audit.check(amara, "partner report, received")
    audit.assert_clean()
