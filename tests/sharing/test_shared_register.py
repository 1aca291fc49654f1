""" "Checks we shared", its detail page and the requests page: what the source sees, in human terms, page by page.

Issue 9 §6: the register named checks `request:1/speaker:1` and said "shared until …" after the
agreement had ended; an openings log listed 39 identical rows; no list was paginated.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from agreements import services as agreement_services
from sharing import services
from sharing.models import CheckOpened, EnvelopeKey, SharedCheck
from sharing.sweep import exchange_sweep
from tests.html_text import visible_text
from tests.sharing.conftest import FakeProjection


@pytest.fixture
def shared(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(11, ("Dr Farida Osei-Mensah",)))
    return check, agreement


def _register(client_on, org, member):
    return visible_text(client_on(org, member(org, "prevent_lead")).get("/exchange/shared/"))


def _withdraw(check, agreement, drafting, org_a):
    services.check_withdraw(actor=drafting.lead(org_a), check=check, reason="Shared in error")


def _correct(check, agreement, drafting, org_a):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(11, ("Dr Farida Osei-Mensah",)))


def _lapse(check, agreement, drafting, org_a):
    SharedCheck.objects.filter(pk=check.pk).update(expires_at=timezone.now() - timedelta(days=1))


def _suspend(check, agreement, drafting, org_a):
    agreement_services.agreement_suspend(
        actor=drafting.signatory(org_a), organisation=org_a, agreement=agreement, reason="Review of terms"
    )


def _terminate(check, agreement, drafting, org_a):
    agreement_services.agreement_terminate(
        actor=drafting.signatory(org_a), organisation=org_a, agreement=agreement, reason="Ended", notice_days=0
    )


def _terminate_and_sweep(check, agreement, drafting, org_a):
    _terminate(check, agreement, drafting, org_a)
    exchange_sweep()


def _retention_over(check, agreement, drafting, org_a):
    EnvelopeKey.objects.filter(envelope__check_row=check, channel__agreement__isnull=False).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )


def _destroy(check, agreement, drafting, org_a):
    _lapse(check, agreement, drafting, org_a)
    exchange_sweep()


# what happened -> (state text the source must see, whether the speaker's name can still be shown)
STATES = {
    "nothing": ("Active: others can open it until", True, None),
    "withdrawn": ("Withdrawn ", True, _withdraw),
    "corrected": ("Replaced by a correction", True, _correct),
    "lapsed (before the sweep)": ("Lapsed ", True, _lapse),
    "agreement suspended": ("Access ended: the agreement it was shared under is no longer in force", True, _suspend),
    "agreement terminated": ("Access ended: the agreement it was shared under is no longer in force", True, _terminate),
    "terminated and swept": (
        "Access ended: the agreement it was shared under is no longer in force",
        True,
        _terminate_and_sweep,
    ),
    "recipients' retention over": (
        "the recipients' retention period under the agreement is over",
        True,
        _retention_over,
    ),
    "destroyed by the sweep": ("Destroyed: its retention period ended", False, _destroy),
}


@pytest.mark.parametrize("happened", STATES, ids=list(STATES))
def test_the_register_names_the_speaker_and_event_and_tells_the_true_state(
    happened, shared, drafting, org_a, member, client_on
):
    check, agreement = shared
    expected, name_readable, change = STATES[happened]
    if change:
        change(check, agreement, drafting, org_a)

    page = _register(client_on, org_a, member)

    assert "request:11" not in page  # no internal references
    assert expected in page
    if happened != "nothing":
        assert "Active:" not in page.replace(
            "Active: others can open it until", "", 1 if happened == "corrected" else 0
        )
    if name_readable:
        assert "Dr Farida Osei-Mensah" in page and "in person" in page
    else:
        assert "content no longer readable" in page


def test_an_active_check_names_the_agreement_it_is_shared_under(shared, org_a, member, client_on):
    _, agreement = shared

    page = _register(client_on, org_a, member)

    assert f"(agreement ISA-{agreement.pk})" in page
    assert "Approved with mitigations" in page


def test_the_register_is_paginated_and_sorted(drafting, org_a, org_b, member, client_on):
    drafting.active([org_a, org_b])
    names = [f"Speaker Number {n:02d} Adebayo" for n in range(30)]
    for n, name in enumerate(names):
        services.check_share(actor=None, source=org_a, projection=FakeProjection(100 + n, (name,)))
    client = client_on(org_a, member(org_a, "prevent_lead"))

    first = visible_text(client.get("/exchange/shared/"))
    second = visible_text(client.get("/exchange/shared/?page=2"))
    oldest = visible_text(client.get("/exchange/shared/?sort=oldest"))
    beyond = client.get("/exchange/shared/?page=99")

    assert "Page 1 of 2 (1–25 of 30)" in first and "Next page" in first
    assert "Page 2 of 2 (26–30 of 30)" in second and "Previous page" in second
    assert names[29] in first and names[0] not in first
    assert names[0] in second
    assert oldest.index(names[0]) < oldest.index(names[1])
    assert beyond.status_code == 200 and "Page 2 of 2" in visible_text(beyond)


def test_repeated_openings_are_one_row_with_a_count_and_the_log_is_paginated(shared, org_a, org_b, member, client_on):
    check, agreement = shared
    reader = member(org_b, "prevent_lead", full_name="Ngozi Halvorsen")
    reader_client = client_on(org_b, reader)
    for _ in range(39):
        reader_client.get(f"/exchange/checks/{check.pk}/")
    others = [member(org_b, "reviewer", full_name=f"Reader {n:02d} Castellanos") for n in range(30)]
    for person in others:
        client_on(org_b, person).get(f"/exchange/checks/{check.pk}/")

    client = client_on(org_a, member(org_a, "prevent_lead"))
    first = client.get(f"/exchange/shared/{check.pk}/")
    second = visible_text(client.get(f"/exchange/shared/{check.pk}/?page=2"))
    page = visible_text(first)

    assert CheckOpened.objects.filter(check_row=check).count() == 69
    assert first.content.decode().count('data-testid="opening-row"') == 25
    assert "Page 1 of 2 (1–25 of 31)" in page
    combined = page + second
    assert combined.count("Ngozi Halvorsen") == 1
    assert f"Ngozi Halvorsen ISA-{agreement.pk} “{agreement.title}” summary 39" in combined
    assert "Dr Farida Osei-Mensah" in page  # the source sees which check this is


def test_the_requests_page_names_the_check_and_gives_each_answer_form_its_own_ids(
    shared, drafting, org_a, org_b, member, client_on
):
    check, _ = shared
    (other,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(12, ("Mr Rustam Nazarov",)))
    for target in (check, other):
        services.detail_request_create(
            actor=member(org_b, "prevent_lead"), organisation=org_b, check=target, reason="Our event in March"
        )

    response = client_on(org_a, member(org_a, "prevent_lead")).get("/exchange/requests/")
    page = visible_text(response)
    html = response.content.decode()

    assert "Asked of us (2)" in page
    assert "our check of Dr Farida Osei-Mensah" in page and "our check of Mr Rustam Nazarov" in page
    assert "Their reason: Our event in March" in page
    ids = [i for i in __import__("re").findall(r'\sid="([^"]+)"', html)]
    assert len(ids) == len(set(ids)), "every id on the page is unique"


@pytest.mark.parametrize("happened", STATES, ids=list(STATES))
def test_the_dashboard_counts_only_checks_others_can_open_now(happened, shared, drafting, org_a, member, client_on):
    check, agreement = shared
    _, _, change = STATES[happened]
    if change:
        change(check, agreement, drafting, org_a)

    page = visible_text(client_on(org_a, member(org_a, "prevent_lead")).get("/"))

    active = 1 if happened in ("nothing", "corrected") else 0
    assert f"{active} speaker check{'' if active == 1 else 's'} currently shared by us" in page
