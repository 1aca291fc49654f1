"""Demo exchange: the demo organisations' decided requests, shared under the demo agreements (idempotent)."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from agreements.models import RecordKind
from sharing.models import SharedCheck
from sharing.services import NothingToShare, check_share
from tenants.models import Organisation

SHARING_ORGANISATIONS = ("northmoor", "eastbrook")


def demo_exchange(by_slug: dict[str, Organisation]) -> int:
    """Share every decided demo request not yet shared; returns how many checks were shared now."""
    from speakers.choices import DECISION_OUTCOMES
    from speakers.models import EventRequest
    from speakers.projection import project_decided_request

    shared = 0
    for slug in SHARING_ORGANISATIONS:
        organisation = by_slug[slug]
        with tenant_context(organisation):
            decided = EventRequest.objects.filter(decision__outcome__in=DECISION_OUTCOMES).select_related("decision")
            for request in decided:
                if SharedCheck.objects.filter(
                    source=organisation, kind=RecordKind.SPEAKER_CHECK, source_ref__startswith=f"request:{request.pk}/"
                ).exists():
                    continue
                try:
                    shared += len(
                        check_share(actor=None, source=organisation, projection=project_decided_request(request))
                    )
                except NothingToShare:
                    break
    return shared
