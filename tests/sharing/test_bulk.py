"""The bulk path writes what the one-by-one path writes: the same people find the same checks."""

import pytest
from django.core.exceptions import ValidationError

from sharing import selectors, services
from sharing.bulk import checks_share_bulk
from sharing.models import Envelope, EnvelopeKey, NameToken, SharedCheck
from tests.sharing.conftest import FakeProjection

NAMES = ["Amira El-Masri", "Jonas Okafor-Reid", "Siân Nakamura", "Tomasz Wilczek-Boateng"]


def test_bulk_shares_open_for_recipients_exactly_like_single_shares(drafting, org_a, org_b, partner):
    drafting.active([org_a, org_b])

    count = checks_share_bulk(
        actor=None, source=org_a, projections=[FakeProjection(n, (name,)) for n, name in enumerate(NAMES, start=1)]
    )

    assert count == 4
    for name in NAMES:
        (seen,) = selectors.speaker_check_search(organisation=org_b, user=None, name=name)
        assert seen.content["speaker_name"] == name and not seen.error
        assert selectors.speaker_check_search(organisation=partner, user=None, name=name) == []
    (own,) = selectors.speaker_check_search(organisation=org_a, user=None, name=NAMES[0])
    assert own.content["rationale"]


def test_bulk_with_no_agreement_stores_nothing(org_a, world):
    with pytest.raises(services.NothingToShare):
        checks_share_bulk(actor=None, source=org_a, projections=[FakeProjection(1, ("Amira El-Masri",))])

    assert not (SharedCheck.objects.exists() or Envelope.objects.exists() or NameToken.objects.exists())


def test_bulk_refuses_requests_shared_before_and_stores_nothing_more(drafting, org_a, org_b):
    drafting.active([org_a, org_b])
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    before = (SharedCheck.objects.count(), EnvelopeKey.objects.count())

    with pytest.raises(ValidationError):
        checks_share_bulk(
            actor=None,
            source=org_a,
            projections=[FakeProjection(2, ("Jonas Okafor-Reid",)), FakeProjection(1, ("Amira El-Masri",))],
        )

    assert (SharedCheck.objects.count(), EnvelopeKey.objects.count()) == before
