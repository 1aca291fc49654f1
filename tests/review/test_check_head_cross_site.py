"""Review 2 (issue 9 §1): "a link from another website opens nothing and records nothing".
`check_detail` shows the "Open the check" page only for a cross-site GET; a cross-site HEAD
falls through to `check_open` and records an opening the person never saw.

Seen on the dev server: as priya.raman@eastbrook.example, `HEAD /exchange/checks/4/` with
`Sec-Fetch-Site: cross-site` -> 200, and Northmoor's "Who opened it" count went from 4 to 5.
"""

from __future__ import annotations

from sharing.models import CheckOpened


def test_a_cross_site_head_request_records_no_opening(two_checks, org_b, member, client_on):
    first, _, _ = two_checks
    client = client_on(org_b, member(org_b, "prevent_lead"))

    client.head(f"/exchange/checks/{first.pk}/", HTTP_SEC_FETCH_SITE="cross-site")

    assert not CheckOpened.objects.filter(check_row=first).exists()
