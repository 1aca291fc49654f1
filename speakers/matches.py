"""The speakers' side of "a shared check matches one of our open speaker requests".

`open_requests_matching` (a `sharing.matches` finder) and `may_see_request` (the object right
of a CHECK_MATCH notification) run inside the organisation's own schema; both are registered
in `SpeakersConfig.ready`.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection

from sharing.keys import blind_index_key, blind_tokens
from sharing.matches import Match
from sharing.names import MAX_NAME_LENGTH, NameQueryError, query_tokens
from speakers import rights
from speakers.models import EventRequest, Speaker
from speakers.selectors import OPEN_STATUSES
from tenants.models import Membership, User


def open_requests_matching(digests_by_check: dict[int, frozenset[str]]) -> list[Match]:
    """Open requests (submitted, assessed, escalated) here with a speaker the checks match, as the
    exchange search would match a search for that speaker's name. Returns one Match per request,
    in request order, linking to the request's page."""
    if not digests_by_check:
        return []
    key = blind_index_key()
    found: dict[int, set[int]] = defaultdict(set)
    rows = Speaker.objects.filter(request__status__in=OPEN_STATUSES).values_list("request_id", "name")
    for request_id, name in rows.order_by("request_id", "pk"):
        try:
            searched = set(blind_tokens(query_tokens(name[:MAX_NAME_LENGTH]), key=key))
        except NameQueryError:
            continue  # a name the search itself would refuse matches nothing
        for check_id, digests in digests_by_check.items():
            if searched & digests:
                found[request_id].add(check_id)
    return [Match(object_id=rid, url=f"/speakers/{rid}/", check_ids=ids) for rid, ids in sorted(found.items())]


def may_see_request(user: User, request_id: int) -> bool:
    """Whether `user` may open request `request_id` in the current schema now (speakers.rights)."""
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__schema_name=connection.schema_name)
        .first()
    )
    if membership is None:
        return False
    visible = rights.visible_filter(membership)
    return visible is not None and EventRequest.objects.filter(visible, pk=request_id).exists()
