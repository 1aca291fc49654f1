"""The one function that records an audit event.

Every service that changes something, and every read across an organisation boundary,
calls `audit_record` inside its own transaction, so the event and the change commit or
roll back together. Events are chained by hash (each includes its predecessor's), so
`audit_verify` finds an edited or deleted event; the chain is hardened further in the
security issue without changing callers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from core.models import AuditEvent

# An arbitrary constant that names the audit chain's lock among PostgreSQL advisory locks.
_CHAIN_LOCK_ID = 0x4155444954  # "AUDIT"


def _event_hash(previous_hash: str, fields: Mapping[str, Any]) -> str:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}|{body}".encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "detail": event.detail,
    }


def audit_record(
    *,
    action: str,
    actor: Any = None,
    organisation_id: int | None = None,
    target: Any = None,
    target_type: str = "",
    target_id: str | int = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Callers pass identifiers and reasons in `detail`, never sensitive content."""
    if target is not None:
        target_type = target_type or f"{target._meta.app_label}.{target._meta.model_name}"
        target_id = target_id or target.pk
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_label=str(getattr(actor, "email", "") or ("system" if actor is None else actor)),
        organisation_id=organisation_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=dict(detail or {}),
    )
    with transaction.atomic():
        # Serialise appends so two events never claim the same predecessor.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.previous_hash = last or ""
        event.hash = _event_hash(event.previous_hash, _hashed_fields(event))
        event.save()
    return event


def audit_record_many(events: Iterable[Mapping[str, Any]]) -> list[AuditEvent]:
    """Append several events with one lock and one insert; each mapping takes `audit_record`'s arguments."""
    built = []
    for fields in events:
        target = fields.get("target")
        actor = fields.get("actor")
        built.append(
            AuditEvent(
                occurred_at=timezone.now(),
                actor_id=getattr(actor, "pk", None),
                actor_label=str(getattr(actor, "email", "") or ("system" if actor is None else actor)),
                organisation_id=fields.get("organisation_id"),
                action=fields["action"],
                target_type=fields.get("target_type")
                or (f"{target._meta.app_label}.{target._meta.model_name}" if target is not None else ""),
                target_id=str(fields.get("target_id") or (target.pk if target is not None else "")),
                detail=dict(fields.get("detail") or {}),
            )
        )
    if not built:
        return []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        for event in built:
            event.previous_hash = previous
            event.hash = previous = _event_hash(previous, _hashed_fields(event))
        return AuditEvent.objects.bulk_create(built)


def audit_verify(events: Iterable[AuditEvent] | None = None) -> list[str]:
    """Return a description of every break in the chain (empty when the chain is intact)."""
    problems: list[str] = []
    previous = ""
    for event in events if events is not None else AuditEvent.objects.order_by("id").iterator():
        if event.previous_hash != previous:
            problems.append(f"event {event.pk}: predecessor missing or changed")
        if event.hash != _event_hash(event.previous_hash, _hashed_fields(event)):
            problems.append(f"event {event.pk}: contents changed after it was recorded")
        previous = event.hash
    return problems
