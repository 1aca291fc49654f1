"""Writes of network figures: a member sends its figures; a network ingests them and sends its totals back.

Everything crosses through the exchange (`sharing.records`) and so through the one policy: kind
`network_figures`, purpose `network_reporting`, level `aggregate`, and — for a flow between a
network and another organisation — a current `member_of` link (`agreements.policy`,
`NOT_A_MEMBER`). Nothing here reads another organisation's schema. Each service runs in the
schema of the organisation acting (`request.tenant`, or `tenant_context` in the command).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from agreements.policy import Level, Purpose, RecordKind, SharingDenied, access_receive
from agreements.selectors import small_number_threshold
from core.audit import audit_record
from figures.assembly import FORMAT, own_figures
from figures.models import Contribution, Submission, TotalsSent
from figures.totals import TOTALS_FORMAT, Contributed, member_record
from networks.selectors import member_organisations, networks_of
from partners.periods import Period, term_containing
from sharing.records import record_share, records_received
from tenants.models import Organisation, User

KIND = str(RecordKind.NETWORK_FIGURES)
PURPOSE = str(Purpose.NETWORK_REPORTING)
LEVEL = Level.AGGREGATE


def contribution_ref(period: Period) -> str:
    return f"figures:{period.code}"


def totals_ref(period: Period) -> str:
    return f"totals:{period.code}"


def refused_message(network: Organisation) -> str:
    return (
        f"No information-sharing agreement in force lets {network.name} receive your network figures "
        "(counts only, for network reporting), or you are no longer a member of it. Nothing was sent. "
        "Ask your Prevent lead to agree a network_figures flow with the network (the 'Network speaker-check "
        "exchange' template has one)."
    )


def _network_of(organisation: Organisation, network: Organisation | None) -> Organisation:
    if network is None or not networks_of(organisation).filter(pk=network.pk).exists():
        raise ValidationError({"network": "Choose a network your organisation is a member of."})
    return network


def _ended(period: Period, today: date) -> Period:
    if period.kind != "termly":
        raise ValidationError({"period": "Network figures are sent per term: choose a term, not a whole year."})
    if period.end >= today:
        raise ValidationError(
            {"period": f"The {period.label} has not ended yet; send figures for a term that has ended."}
        )
    return period


def contribution_send(
    *, actor: User | None, organisation: Organisation, network: Organisation | None, period: Period, today: date
) -> Submission:
    """Assemble our figures for `period` and seal them for `network` (a new version if sent before).

    ValidationError naming `network` (not a network we belong to, or no agreement allows it: nothing
    is sent) or `period` (a year, or a term not yet over). The exchange audits the share.
    """
    assert connection.schema_name == organisation.schema_name
    network = _network_of(organisation, network)
    period = _ended(period, today)
    figures = own_figures(period, today)
    try:
        with transaction.atomic():
            check = record_share(
                actor=actor,
                source=organisation,
                kind=KIND,
                purpose=PURPOSE,
                ref=contribution_ref(period),
                recipient=network,
                level=LEVEL,
                record=figures,
            )
            return Submission.objects.create(
                network_id=network.pk,
                network_name=network.name,
                period_code=period.code,
                figures=figures,
                record_id=check.pk,
                version=check.version,
                sent_by=actor,
            )
    except SharingDenied:
        raise ValidationError({"network": refused_message(network)}) from None


def last_ended_term(today: date) -> Period:
    from partners.periods import previous_term

    return previous_term(term_containing(today))


# --- the network side ----------------------------------------------------------------------


def ingest(*, network: Organisation, actor: User | None) -> int:
    """Bring in every member's figures the policy lets the network read now; returns how many were new.

    A contribution is replaced only by a newer version of the same record. One a member sent before
    it left stays (its past periods keep it); the policy no longer opens anything from it.
    """
    assert connection.schema_name == network.schema_name
    views = records_received(organisation=network, user=actor, kind=KIND, purpose=PURPOSE)
    known = {(c.member_id, c.period_code): c for c in Contribution.objects.all()}
    added = 0
    with transaction.atomic():
        for view in views:
            data = view.data
            if data.get("format") != FORMAT or not view.ref.startswith("figures:"):
                continue
            code = str(data.get("period", ""))
            existing = known.get((view.source_id, code))
            if existing is not None and (existing.record_id, existing.record_version) == (view.id, view.version):
                continue
            if existing is not None and existing.shared_at > view.shared_at:
                continue
            Contribution.objects.update_or_create(
                member_id=view.source_id,
                period_code=code,
                defaults={
                    "member_name": view.source_name,
                    "figures": data,
                    "agreement_id": view.agreement_id,
                    "record_id": view.id,
                    "record_version": view.version,
                    "shared_at": view.shared_at,
                },
            )
            added += 1
    return added


def period_threshold(contributions: list[Contribution], *extra: int | None) -> int:
    """The highest small-number threshold of the agreements these figures travelled under."""
    agreements = {c.agreement_id for c in contributions if c.agreement_id} | {a for a in extra if a}
    return max([small_number_threshold(a) for a in agreements] or [small_number_threshold(0)])


@dataclass
class PublishReport:
    sent: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_enough: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def totals_publish(*, actor: User | None, network: Organisation, period: Period) -> PublishReport:
    """Send each current member the network's figures for `period` beside its own (what changed since last time).

    A member gets nothing when too few members contributed (see `figures.totals`), and nothing when
    the policy refuses (no agreement, or not a member any more). Audited as a share by the exchange.
    """
    assert connection.schema_name == network.schema_name
    report = PublishReport()
    contributions = list(Contribution.objects.filter(period_code=period.code))
    rows = [Contributed(c.member_id, c.figures) for c in contributions]
    for member in member_organisations(network):
        try:
            decision = access_receive(
                source_id=network.pk, recipient_id=member.pk, kind=KIND, level=LEVEL, purpose=PURPOSE
            )
        except SharingDenied:
            report.refused.append(member.name)
            continue
        threshold = period_threshold(contributions, decision.agreement_id)
        record = member_record(rows, member.pk, threshold, period.code)
        if record is None:
            report.not_enough.append(member.name)
            continue
        record["period_label"] = period.label
        digest = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
        if TotalsSent.objects.filter(member_id=member.pk, period_code=period.code, digest=digest).exists():
            report.unchanged.append(member.name)
            continue
        try:
            with transaction.atomic():
                check = record_share(
                    actor=actor,
                    source=network,
                    kind=KIND,
                    purpose=PURPOSE,
                    ref=totals_ref(period),
                    recipient=member,
                    level=LEVEL,
                    record=record,
                )
                TotalsSent.objects.update_or_create(
                    member_id=member.pk,
                    period_code=period.code,
                    defaults={"digest": digest, "record_id": check.pk},
                )
        except SharingDenied:
            report.refused.append(member.name)
            continue
        report.sent.append(member.name)
    audit_record(
        action="figures.totals_publish",
        actor=actor,
        organisation_id=network.pk,
        target_type="figures.period",
        target_id=period.code,
        detail={"period": period.code, "sent": len(report.sent), "refused": len(report.refused)},
    )
    return report


def totals_received(*, organisation: Organisation, actor: User | None) -> list[dict[str, Any]]:
    """The network totals sent to us that the policy lets us open now, each with `network` and `network_id`."""
    found = []
    for view in records_received(organisation=organisation, user=actor, kind=KIND, purpose=PURPOSE):
        if view.data.get("format") == TOTALS_FORMAT and view.ref.startswith("totals:"):
            found.append({**view.data, "network": view.source_name, "network_id": view.source_id})
    return found
