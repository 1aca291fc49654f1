"""The dashboard's figures come from one statement, however much work is in hand, and are right."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from hub.panels import counts_in_one_query
from speakers.models import EventRequest
from tenants.models import Invitation
from tests.speakers.conftest import approve, assess, submit


def _dashboard_statements(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/").content.decode()
    return len(ctx.captured_queries), page


def _count_statements(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "count(" in q["sql"].lower()]


def test_the_dashboards_statements_do_not_grow_with_the_requests_in_hand(org_a, member, client_on):
    lead = member(org_a, "prevent_lead", "reviewer", "org_admin")
    organiser = member(org_a, "organiser")
    client = client_on(org_a, lead)
    client.get("/")  # first-use work (sessions, caches) out of the way
    before, page = _dashboard_statements(client)
    assert "0 speaker requests</a>" in page

    # given: requests in several states
    with tenant_context(org_a):
        for _ in range(3):
            submit(organiser)
        assess(lead, submit(organiser))
        decided = submit(organiser)
        assess(lead, decided)
        approve(lead, decided)

    # when
    after, page = _dashboard_statements(client)

    # then: the same number of statements, and the figures are right
    assert after == before
    text = " ".join(page.split())
    assert "4 speaker requests</a> waiting for review or decision: 3 submitted, awaiting review; 1 assessed" in text


def test_every_figure_is_one_subquery_of_one_select(org_a, member, client_on):
    lead = member(org_a, "prevent_lead", "reviewer", "org_admin")
    client = client_on(org_a, lead)
    client.get("/")

    with CaptureQueriesContext(connection) as ctx:
        client.get("/")

    counting = _count_statements(ctx)
    in_one = [q for q in counting if "speakers_eventrequest" in q]
    assert len(in_one) == 1
    assert "tenants_invitation" in in_one[0] and in_one[0].lower().count("select count(*)") == 6


def test_counts_in_one_query_counts_each_queryset_and_zero_for_none(org_a, member):
    organiser = member(org_a, "organiser")
    with tenant_context(org_a):
        submit(organiser), submit(organiser)
        with CaptureQueriesContext(connection) as ctx:
            found = counts_in_one_query(
                {
                    "all": EventRequest.objects.all(),
                    "submitted": EventRequest.objects.filter(status="submitted"),
                    "decided": EventRequest.objects.filter(status="decided"),
                    "nothing": EventRequest.objects.none(),
                    "invitations": Invitation.objects.filter(organisation=org_a, accepted_at__isnull=True),
                }
            )

    assert found == {
        "all": 2,
        "submitted": 2,
        "decided": 0,
        "nothing": 0,
        "invitations": Invitation.objects.filter(organisation=org_a, accepted_at__isnull=True).count(),
    }
    assert len(ctx.captured_queries) == 1
