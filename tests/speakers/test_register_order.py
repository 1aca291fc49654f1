"""The register's orders against a plain-Python model of them (generated cases)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speakers.choices import Status
from speakers.models import Assessment, EventRequest
from speakers.selectors import OPEN_STATUSES, REGISTER_SORTS, register_order

ROW = st.fixed_dictionaries(
    {
        "status": st.sampled_from(Status.values),
        "hours": st.none() | st.integers(-24 * 10, 24 * 60),
        "higher_risk": st.none() | st.booleans(),  # None: not assessed
        "notice_met": st.sampled_from([None, True, False]),
    }
)


def _urgency_key(request: EventRequest, now):
    waiting = request.status in OPEN_STATUSES
    upcoming = waiting or request.status == Status.DRAFT
    group = 0 if waiting else 1 if upcoming else 2
    start = request.starts_at
    higher = bool(getattr(request, "assessment", None) and request.assessment.is_higher_risk)
    flagged = 0 if waiting and (higher or request.notice_met is False) else 1
    if upcoming:
        day = timezone.localdate(start) if start else None
        return (group, day is None, day or now.date(), flagged, start is None, start or now, -request.pk)
    return (
        group,
        True,
        now.date(),
        flagged,
        start is None,
        -(start - now).total_seconds() if start else 0,
        -request.pk,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=9))
def test_urgency_order_matches_its_description(a, org_a, rows):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic(), tenant_context(org_a):
        for row in rows:
            hours = row["hours"]
            request = EventRequest.objects.create(
                organiser=a.organiser, title="t", status=row["status"], notice_met=row["notice_met"],
                reference=None, starts_at=None if hours is None else now + timedelta(hours=hours),
            )  # fmt: skip
            if row["higher_risk"] is not None:
                Assessment.objects.create(
                    request=request, assessed_by=a.reviewer, risk_level="low", is_higher_risk=row["higher_risk"]
                )

        got = [r.pk for r in register_order(EventRequest.objects.all(), "urgency")]
        everything = EventRequest.objects.select_related("assessment")
        expected = [r.pk for r in sorted(everything, key=lambda r: _urgency_key(r, now))]
        transaction.set_rollback(True)

    assert got == expected


def test_every_sort_key_orders_and_an_unknown_one_is_refused(a, org_a):
    with tenant_context(org_a):
        EventRequest.objects.create(organiser=a.organiser, title="t", reference="R1")
        for key in REGISTER_SORTS:
            assert len(register_order(EventRequest.objects.all(), key)) == 1
        try:
            register_order(EventRequest.objects.all(), "shoe-size")
        except ValueError as exc:
            assert "urgency" in str(exc)
        else:
            raise AssertionError("an unknown sort key was accepted")
