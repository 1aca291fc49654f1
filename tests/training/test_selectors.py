"""The interface other apps read: delivered_in, coverage, has_records (against hand-made and
generated records, with an independent model of the rules in the test)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.training.conftest import course, done, person, require
from training import selectors
from training.models import Kind

DAY = date(2026, 3, 15)


def test_delivered_in_is_a_gap_before_anything_is_recorded_and_counts_by_kind_after(t):
    with tenant_context(t.org):
        c = course("Prevent e-learning", kind=Kind.INDUCTION)
        assert selectors.delivered_in(date(2025, 8, 1), date(2026, 7, 31)) == {
            "induction": None, "refresher": None, "briefing": None}  # fmt: skip
        assert selectors.has_records() is False

        refresher = course("Prevent refresher", kind=Kind.REFRESHER, months=24)
        workshop = course("WRAP workshop", kind=Kind.BRIEFING, tier="face_to_face")
        ada, kwame = person("S1", "Ada Nwosu"), person("S2", "Kwame Boateng")
        done(ada, c, date(2025, 8, 1), t.lead)  # first day: inside
        done(kwame, c, date(2026, 7, 31), t.lead)  # last day: inside
        done(ada, refresher, date(2025, 9, 9), t.lead)
        done(kwame, workshop, date(2025, 7, 31), t.lead)  # the day before: outside

        assert selectors.has_records() is True
        assert selectors.delivered_in(date(2025, 8, 1), date(2026, 7, 31)) == {
            "induction": 2, "refresher": 1, "briefing": 0}  # fmt: skip
        assert selectors.delivered_in(date(2020, 1, 1), date(2020, 12, 31)) == {
            "induction": 0, "refresher": 0, "briefing": 0}  # fmt: skip


def test_coverage_counts_never_done_and_expired_refreshers_as_overdue_by_role_and_department(t):
    with tenant_context(t.org):
        awareness = course("Prevent awareness", months=12)
        f2f = course("Face-to-face WRAP", kind=Kind.BRIEFING, tier="face_to_face")
        require(awareness)  # all staff
        require(f2f, role="security")  # case does not matter
        siobhan = person("S1", "Siobhan Murphy", department="Estates", role="Security")
        li = person("S2", "Li Wei", department="Estates", role="Cleaning")
        zainab = person("S3", "Zainab Hussain", department="Library", role="Support")
        person("S4", "Jan Kowalski", department="Library", role="Support", active=False)  # left: not counted
        done(siobhan, awareness, DAY - timedelta(days=30), t.lead)  # current
        done(siobhan, f2f, DAY - timedelta(days=3000), t.lead)  # never expires
        done(li, awareness, date(2025, 3, 15), t.lead)  # exactly 12 months: expired on DAY
        done(zainab, awareness, DAY + timedelta(days=1), t.lead)  # after the day: not yet

        got = selectors.coverage(DAY)

    assert (got.required, got.complete, got.overdue, got.percent) == (4, 2, 2, 50.0)
    assert (got.people, got.people_overdue) == (3, 2)
    by_role = {r.label: (r.people, r.required, r.complete, r.overdue) for r in got.by_role}
    assert by_role == {"Cleaning": (1, 1, 0, 1), "Security": (1, 2, 2, 0), "Support": (1, 1, 0, 1)}
    by_dept = {r.label: (r.required, r.complete, r.overdue, r.percent) for r in got.by_department}
    assert by_dept == {"Estates": (3, 2, 1, 66.7), "Library": (1, 0, 1, 0.0)}
    with tenant_context(t.org):
        late = [(i.person.name, i.course.title, i.status.value) for i in selectors.overdue(DAY)]
    assert late == [("Li Wei", "Prevent awareness", "expired"), ("Zainab Hussain", "Prevent awareness", "never")]


def test_coverage_with_nothing_required_has_no_percentage_rather_than_zero(t):
    with tenant_context(t.org):
        person("S1", "Ana Ferreira")
        got = selectors.coverage(DAY)
    assert (got.required, got.complete, got.overdue, got.percent, got.by_role) == (0, 0, 0, None, [])


# --- generated staff lists, requirements and completions against an independent model ----------

DEPTS = ["Library", "library ", "Estates", "Law"]  # two spellings of one department
ROLES = ["Security", "Academic", "SECURITY"]
STAFF = st.lists(st.tuples(st.sampled_from(DEPTS), st.sampled_from(ROLES), st.booleans()), min_size=1, max_size=7)
COURSES = st.lists(st.sampled_from([None, 1, 6, 12, 36]), min_size=1, max_size=3)
REQS = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(["", "", *DEPTS]), st.sampled_from(["", "", *ROLES])),
    min_size=1, max_size=5,
)  # fmt: skip
# A completion: (person, course, at the refresher boundary?, days off the boundary, else days from the
# day). Boundaries are generated on purpose: an off-by-one in expiry would hide elsewhere.
DONE = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 2), st.booleans(), st.integers(-1, 1), st.integers(-800, 30)),
    min_size=1, max_size=20,
)  # fmt: skip


def _months_later(d: date, months: int) -> date:
    """Independent month arithmetic: same day `months` later, or the month's last day if shorter."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, min(d.day, day))
        except ValueError:
            continue
    raise AssertionError


def _months_before(d: date, months: int) -> date:
    """Independent: the same day `months` earlier, or that month's last day if shorter."""
    y, m = divmod(d.month - 1 - months, 12)
    for day in (d.day, 30, 29, 28):
        try:
            return date(d.year + y, m + 1, min(d.day, day))
        except ValueError:
            continue
    raise AssertionError


def _dated(completions, months, on):
    """{(person, course, completed on)} of the generated completions."""
    out = set()
    for p, c, edge, shift, offset in completions:
        if c < len(months):
            m = months[c]
            when = _months_before(on, m) + timedelta(days=shift) if edge and m else on + timedelta(days=offset)
            out.add((p, c, when))
    return out


def _model(staff, months, reqs, completions, on):
    """(required, complete, {dept key: (required, complete)}) by nested loops over the inputs."""
    required = complete = 0
    per_dept: dict[str, list[int]] = {}
    for p, (dept, role, active) in enumerate(staff):
        if not active:
            continue
        needed = {c for c, rd, rr in reqs if c < len(months)
                  and (rd == "" or rd.strip().lower() == dept.strip().lower())
                  and (rr == "" or rr.lower() == role.lower())}  # fmt: skip
        for c in needed:
            dates = [when for pp, cc, when in _dated(completions, months, on) if pp == p and cc == c and when <= on]
            ok = bool(dates) and (months[c] is None or on < _months_later(max(dates), months[c]))
            required += 1
            complete += ok
            cell = per_dept.setdefault(dept.strip().lower(), [0, 0])
            cell[0] += 1
            cell[1] += ok
    return required, complete, {k: tuple(v) for k, v in per_dept.items()}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(staff=STAFF, months=COURSES, reqs=REQS, completions=DONE, on=st.dates(date(2024, 1, 1), date(2027, 12, 31)))
def test_coverage_matches_an_independent_model(t, staff, months, reqs, completions, on):
    with transaction.atomic(), tenant_context(t.org):
        courses = [course(f"Course {i}", months=m) for i, m in enumerate(months)]
        people = [person(f"S{i}", f"Person {i}", department=d, role=r, active=a) for i, (d, r, a) in enumerate(staff)]
        seen = set()
        for c, d, r in reqs:
            key = (c, d.strip().lower(), r.lower())
            if c < len(courses) and key not in seen:
                seen.add(key)
                require(courses[c], department=d.strip(), role=r)
        for p, c, when in _dated(completions, months, on):
            if p < len(people) and c < len(courses):
                done(people[p], courses[c], when, t.lead)
        got = selectors.coverage(on)
        transaction.set_rollback(True)

    required, complete, per_dept = _model(staff, months, reqs, completions, on)
    assert (got.required, got.complete, got.overdue) == (required, complete, required - complete)
    assert got.percent == (None if required == 0 else round(100 * complete / required, 1))
    assert {r.label.lower(): (r.required, r.complete) for r in got.by_department} == per_dept
    assert sum(r.required for r in got.by_role) == required
