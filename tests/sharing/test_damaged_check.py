"""A damaged (tampered) check says so to its source, points back to the request, and is never counted as opened.

Review 2 (issue 9 §5): a check whose stored envelope no longer matched what was sealed was listed on
"Checks we shared" as "Active: others can open it", and its own page used the reader's wording
("the organisation that shared it can share it again") to the organisation that shared it.
"""

from __future__ import annotations

import pytest

from sharing import selectors
from sharing.models import CheckOpened
from tests.html_text import visible_text
from tests.sharing.test_shared_register import shared  # noqa: F401
from tests.sharing.test_tamper import TAMPERS

DAMAGED = "Damaged: cannot be opened by anyone — share it again from the request"
# Tampers that damage the envelope itself (what every copy, the source's own included, opens).
ENVELOPE_TAMPERS = ["ciphertext byte", "nonce byte", "sealed blobs swapped between checks", "record version"]


def _damage(check, tamper="ciphertext byte"):
    TAMPERS[tamper](check, check)


@pytest.mark.parametrize("tamper", ENVELOPE_TAMPERS)
def test_the_register_shows_a_damaged_check_as_damaged_with_a_way_back_to_the_request(
    tamper,
    shared,  # noqa: F811
    org_a,
    member,
    client_on,
):
    check, _ = shared
    if tamper == "sealed blobs swapped between checks":
        from sharing import services
        from tests.sharing.conftest import FakeProjection

        (other,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(12, ("Lior Ben-Haim",)))
        TAMPERS[tamper](check, other)
    else:
        _damage(check, tamper)

    response = client_on(org_a, member(org_a, "prevent_lead")).get("/exchange/shared/")
    page = visible_text(response)

    assert DAMAGED in page
    assert "Go to the request to share it again" in page
    assert 'href="/speakers/11/"' in response.content.decode()
    assert page.count(DAMAGED) == 1
    # only the untouched neighbour (when there is one) is still active
    assert page.count("Active:") == (1 if tamper == "sealed blobs swapped between checks" else 0)


def test_the_damaged_checks_own_page_speaks_to_its_source_and_links_to_the_request(shared, org_a, member, client_on):  # noqa: F811
    check, _ = shared
    _damage(check)

    response = client_on(org_a, member(org_a, "prevent_lead")).get(f"/exchange/shared/{check.pk}/")
    page = visible_text(response)

    assert DAMAGED in page
    assert "This check is damaged" in page and "Go to the speaker request and share it again" in page
    assert 'href="/speakers/11/"' in response.content.decode()
    assert "the organisation that shared it can share it again" not in page  # the reader's wording
    assert "Active: others can open it" not in page


def test_failed_openings_of_a_damaged_check_are_not_counted_as_openings(shared, org_a, org_b, member, client_on):  # noqa: F811
    check, _ = shared
    _damage(check)
    reader = client_on(org_b, member(org_b, "prevent_lead"))

    for _ in range(3):
        reader.get(f"/exchange/checks/{check.pk}/")
    view = selectors.check_open(organisation=org_b, user=None, check_id=check.pk)

    assert view.error
    assert not CheckOpened.objects.filter(check_row=check).exists()
    page = visible_text(client_on(org_a, member(org_a, "prevent_lead")).get("/exchange/shared/"))
    assert "0 times" in page
    detail = visible_text(client_on(org_a, member(org_a, "auditor")).get(f"/exchange/shared/{check.pk}/"))
    assert "Nobody in another organisation has opened it yet." in detail
