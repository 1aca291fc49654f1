"""A lead drafts an agreement from a template; two signatories sign in their own browsers; it shows active."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_a_drafted_agreement_becomes_active_when_both_signatories_sign(signed_in_page, hub_server, audit):
    # given: Priya (Eastbrook's lead and signatory) drafts a referral notification agreement with Northmoor
    priya = signed_in_page("priya.raman@eastbrook.example")
    priya.goto(hub_server.url("eastbrook", "/agreements/new/"))
    priya.get_by_label("Start from").select_option("referral_notification")
    priya.get_by_role("checkbox", name="University of Northmoor", exact=True).check()  # Eastbrook is ticked already
    priya.get_by_role("button", name="Continue").click()
    audit.check(priya, "agreement draft, terms")
    priya.get_by_label("Title").fill("Eastbrook–Northmoor referral notification (journey)")
    priya.get_by_role("button", name="Save draft").click()
    priya.get_by_role("button", name="Send for signature").click()
    agreement_url = priya.url
    assert priya.get_by_test_id("agreement-state").inner_text() == "Awaiting signatures"
    audit.check(priya, "agreement awaiting signatures")

    # when: Priya signs for Eastbrook, and Amara signs for Northmoor in another browser
    priya.get_by_role("button", name=re.compile("Sign version 1 for Eastbrook")).click()
    amara = signed_in_page("amara.okafor@northmoor.example")
    amara.goto(hub_server.url("northmoor", "/agreements/"))
    amara.get_by_role("link", name=re.compile("referral notification \\(journey\\)")).first.click()
    amara.get_by_role("button", name=re.compile("Sign version 1 for University of Northmoor")).click()

    # then: both see it active
    assert amara.get_by_test_id("agreement-state").inner_text() == "Active"
    priya.goto(agreement_url)
    assert priya.get_by_test_id("agreement-state").inner_text() == "Active"
    audit.check(priya, "agreement active")
    audit.assert_clean()
