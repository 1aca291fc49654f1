"""The audit trail: one recorder, events chained so an edit or a deletion is found."""

from core.audit import audit_record, audit_verify
from core.models import AuditEvent


def _recent(count):
    return list(AuditEvent.objects.order_by("-id")[:count])[::-1]


def test_recorded_events_form_an_intact_chain(db):
    for n in range(3):
        audit_record(action="test.event", organisation_id=1, target_type="thing", target_id=n, detail={"n": n})

    assert [e.detail for e in _recent(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert audit_verify(AuditEvent.objects.order_by("id")) == []


def test_an_edited_event_is_detected(db):
    for n in range(3):
        audit_record(action="test.event", detail={"n": n})
    middle = _recent(3)[1]

    AuditEvent.objects.filter(pk=middle.pk).update(detail={"n": 99})

    assert audit_verify(AuditEvent.objects.order_by("id")) == [
        f"event {middle.pk}: contents changed after it was recorded"
    ]


def test_a_deleted_event_is_detected(db):
    for n in range(3):
        audit_record(action="test.event", detail={"n": n})
    first, middle, last = _recent(3)

    AuditEvent.objects.filter(pk=middle.pk).delete()

    assert audit_verify(AuditEvent.objects.order_by("id")) == [f"event {last.pk}: predecessor missing or changed"]
