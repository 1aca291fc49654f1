"""Writes: what a partner sends its validating university about its cases, only through the exchange.

Every record goes out through `sharing.records.record_share`, which asks the one policy
(`agreements.policy`) at the level asked and seals for exactly one recipient; nothing here
decides whether an agreement allows a flow. Recipients are the universities that validate the
partner and any other organisation an agreement lets receive referrals from it: the policy
(`recipients_for`, `access_receive`) names them, level by level.

Services run in the partner's schema (`connection.tenant` is the source), take the acting
person (None: the system, for the termly send and updates after a case changes) and write
their audit events in the same transaction. Audit details carry ids and codes only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from agreements.policy import Level, Purpose, RecordKind, SharingDenied, access_receive, recipients_for
from agreements.selectors import small_number_threshold
from core.audit import audit_record
from core.live import members_notify
from referrals import projections, rights
from referrals.models import AggregateSend, SummaryShare, TransferRequest, TransferStatus
from referrals.periods import Term
from sharing import records
from tenants.models import LinkKind, Organisation, OrganisationLink, User
from tenants.scopes import Scope, membership_get, require_scope
from welfare.models import Case

logger = logging.getLogger(__name__)

KIND = RecordKind.REFERRAL
PURPOSE = Purpose.SAFEGUARDING_REFERRAL
NOT_FOUND = "No such case."
MIN_JUSTIFICATION = 20
SECOND_PERSON = "You asked for this transfer, so a second person must approve or decline it."

__all__ = [
    "aggregate_send",
    "case_changed",
    "case_summary_share",
    "transfer_approve",
    "transfer_decline",
    "transfer_request",
    "transfer_withdraw",
    "validators_of",
]


def source_here() -> Organisation:
    tenant = getattr(connection, "tenant", None)
    assert tenant is not None and connection.schema_name != "public", "call inside the partner's schema"
    return tenant


def validators_of(source: Organisation) -> list[Organisation]:
    """The university that validates `source` (shown on pages even when no agreement allows anything)."""
    ids = OrganisationLink.objects.filter(target=source, kind=LinkKind.VALIDATES).values("source_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def recipients(source: Organisation, level: Level) -> list[Organisation]:
    """Every organisation the policy lets receive referrals from `source` at `level` now, by name."""
    ids = [g.recipient_id for g in recipients_for(source_id=source.pk, kind=KIND, level=level, purpose=PURPOSE)]
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _recipient(source: Organisation, recipient: Organisation | None) -> Organisation:
    if recipient is None or recipient.pk == source.pk:
        raise ValidationError({"recipient": "Choose the university (or other organisation) to send this to."})
    return recipient


def _tell_recipient(source: Organisation, recipient: Organisation, level: Level) -> None:
    """After commit, tell the recipient's readers that something arrived (ids and codes only)."""
    members_notify(
        schema=recipient.schema_name,
        payload={"event": "referrals.received", "source": source.pk, "level": Level(level).code},
        scope=Scope.REFERRALS_READ_RECEIVED,
    )


def _audit(action: str, actor: User | None, source: Organisation, target: object = None, **detail: object) -> None:
    audit_record(action=action, actor=actor, organisation_id=source.pk, target=target, detail=detail)


# --- Summaries -------------------------------------------------------------------------------------


def _share_summary(actor: User | None, source: Organisation, case: Case, recipient: Organisation) -> SummaryShare:
    ref = projections.case_ref(case.pk)
    record = projections.summary_of(case, records.pseudonym(source_id=source.pk, ref=ref, recipient_id=recipient.pk))
    with transaction.atomic():
        shared = records.record_share(
            actor=actor, source=source, kind=KIND, purpose=PURPOSE, ref=ref, recipient=recipient,
            level=Level.SUMMARY, record=record,
        )  # fmt: skip
        now = timezone.now()
        share, created = SummaryShare.objects.select_for_update(no_key=True).get_or_create(
            case_number=case.pk,
            recipient=recipient,
            defaults={"case": case, "digest": projections.digest(record), "shared_record_id": shared.pk,
                      "version": shared.version, "shared_by": actor, "first_shared_at": now, "last_shared_at": now},
        )  # fmt: skip
        if not created:
            share.digest, share.shared_record_id, share.version = projections.digest(record), shared.pk, shared.version
            share.last_shared_at, share.shared_by, share.case = now, actor, case
            share.save()
        _audit(
            "referrals.summary_share" if created else "referrals.summary_update",
            actor, source, share, case=case.pk, recipient=recipient.pk, record=shared.pk, version=shared.version,
        )  # fmt: skip
        _tell_recipient(source, recipient, Level.SUMMARY)
    return share


def case_summary_share(*, actor: User, case: Case, recipient: Organisation | None) -> SummaryShare:
    """Send `recipient` (a validating university) the pseudonymised summary of `case`, or an update.

    PermissionDenied for someone without `referrals:share` or who may not see the case (the same
    message as a missing case); SharingDenied (nothing stored) when no agreement lets `recipient`
    receive a summary now.
    """
    source = source_here()
    membership = membership_get(actor, source)
    if not rights.can_share_case(membership, case):
        raise PermissionDenied(NOT_FOUND)
    return _share_summary(actor, source, case, _recipient(source, recipient))


def case_changed(case: Case) -> list[int]:
    """After a case's stage, outcome or status changed: update every summary of it already sent.

    For the welfare code to call (inside its own transaction, after saving the case); the
    termly command calls it too. Only recipients that already hold a summary get an update, and
    only when the summary differs from the one last sent. A recipient the policy no longer
    allows gets nothing (audited as `referrals.summary_update_refused`); this never raises for
    that. Returns the ids of the recipients updated.
    """
    source = source_here()
    updated = []
    for share in SummaryShare.objects.filter(case_number=case.pk).select_related("recipient"):
        ref = projections.case_ref(case.pk)
        record = projections.summary_of(
            case, records.pseudonym(source_id=source.pk, ref=ref, recipient_id=share.recipient_id)
        )
        if projections.digest(record) == share.digest:
            continue
        try:
            _share_summary(None, source, case, share.recipient)
        except SharingDenied as denied:
            _audit("referrals.summary_update_refused", None, source, share, case=case.pk,
                   recipient=share.recipient_id, reason=denied.reason.value)  # fmt: skip
            continue
        updated.append(share.recipient_id)
    return updated


# --- Identified transfers --------------------------------------------------------------------------


def _policy_allows_full(source: Organisation, recipient: Organisation) -> int:
    """The agreement that allows an identified referral now; ValidationError (nothing stored) otherwise."""
    try:
        decision = access_receive(
            source_id=source.pk, recipient_id=recipient.pk, kind=KIND, level=Level.FULL, purpose=PURPOSE
        )
    except SharingDenied as denied:
        logger.info("identified transfer refused by the policy: %s", denied.reason.value)
        raise ValidationError(
            {
                "recipient": (
                    "No agreement in force lets this university receive an identified referral from you: "
                    "it must allow referrals at full detail and record its Art. 9 or Art. 10 condition. "
                    "Share a summary instead, or agree and sign such a version first."
                )
            }
        ) from None
    assert decision.agreement_id is not None
    return decision.agreement_id


def transfer_request(*, actor: User, case: Case, recipient: Organisation | None, justification: str) -> TransferRequest:
    """Ask for an identified (full) transfer of `case` to `recipient`; nothing is sealed until a second
    person approves (`transfer_approve`).

    Refused (ValidationError naming the field, nothing stored): no justification of necessity (at
    least `MIN_JUSTIFICATION` characters), or no agreement allowing `recipient` an identified
    referral with its Art. 9/10 condition now.
    """
    source = source_here()
    membership = membership_get(actor, source)
    if not rights.can_share_case(membership, case):
        raise PermissionDenied(NOT_FOUND)
    justification = (justification or "").strip()
    if len(justification) < MIN_JUSTIFICATION:
        raise ValidationError(
            {"justification": "Say why identifying this person to the university is necessary "
                              f"(at least {MIN_JUSTIFICATION} characters); a summary needs no justification."}
        )  # fmt: skip
    recipient = _recipient(source, recipient)
    agreement_id = _policy_allows_full(source, recipient)
    with transaction.atomic():
        transfer = TransferRequest.objects.create(
            case=case, case_number=case.pk, recipient=recipient, agreement_id=agreement_id,
            justification=justification, requested_by=actor,
        )  # fmt: skip
        _audit("referrals.transfer_request", actor, source, transfer, case=case.pk, recipient=recipient.pk,
               agreement=agreement_id)  # fmt: skip
        members_notify(
            schema=source.schema_name,
            payload={"event": "referrals.transfer_waiting", "transfer": transfer.pk},
            scope=Scope.REFERRALS_APPROVE,
        )
    return transfer


def _pending(transfer_id: int) -> TransferRequest:
    transfer = TransferRequest.objects.select_for_update(no_key=True).filter(pk=transfer_id).first()
    if transfer is None:
        raise PermissionDenied("No such transfer request.")
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError({"transfer": f"This request is already {transfer.get_status_display().lower()}."})
    return transfer


def _second_person(actor: User, source: Organisation, transfer: TransferRequest) -> None:
    require_scope(actor, source, Scope.REFERRALS_APPROVE)
    if actor.pk == transfer.requested_by_id:
        raise ValidationError({"transfer": SECOND_PERSON})


def transfer_approve(*, actor: User, transfer: TransferRequest) -> TransferRequest:
    """Approve a pending transfer as the second person, and seal it for its recipient in the same transaction.

    PermissionDenied for someone without `referrals:approve`; ValidationError naming `transfer` for
    the requester (a second person must approve), or when it is no longer pending or its case is
    gone; SharingDenied (all rolled back, still pending) when the agreement no longer allows it.
    """
    source = source_here()
    with transaction.atomic():
        transfer = _pending(transfer.pk)
        _second_person(actor, source, transfer)
        case = Case.objects.filter(pk=transfer.case_number).first()
        if case is None:
            raise ValidationError({"transfer": "The case no longer exists (destroyed at the end of retention)."})
        ref = projections.case_ref(case.pk)
        record = projections.full_of(
            case,
            records.pseudonym(source_id=source.pk, ref=ref, recipient_id=transfer.recipient_id),
            justification=transfer.justification,
            requested_by=rights.display_name(transfer.requested_by),
            approved_by=rights.display_name(actor),
        )
        shared = records.record_share(
            actor=actor, source=source, kind=KIND, purpose=PURPOSE, ref=transfer.ref,
            recipient=transfer.recipient, level=Level.FULL, record=record,
        )  # fmt: skip
        transfer.status, transfer.decided_by, transfer.decided_at = TransferStatus.SENT, actor, timezone.now()
        transfer.shared_record_id = shared.pk
        transfer.save()
        _audit("referrals.transfer_approve", actor, source, transfer, case=case.pk,
               recipient=transfer.recipient_id, record=shared.pk)  # fmt: skip
        _tell_recipient(source, transfer.recipient, Level.FULL)
    return transfer


def transfer_decline(*, actor: User, transfer: TransferRequest, note: str) -> TransferRequest:
    """Decline a pending transfer as the second person, saying why (ValidationError naming `note` if not)."""
    source = source_here()
    if not (note or "").strip():
        raise ValidationError({"note": "Say why the transfer is declined, for the person who asked."})
    with transaction.atomic():
        transfer = _pending(transfer.pk)
        _second_person(actor, source, transfer)
        transfer.status, transfer.decided_by, transfer.decided_at = TransferStatus.DECLINED, actor, timezone.now()
        transfer.decision_note = note.strip()
        transfer.save()
        _audit("referrals.transfer_decline", actor, source, transfer, case=transfer.case_number)
    return transfer


def transfer_withdraw(*, actor: User, transfer: TransferRequest) -> TransferRequest:
    """The requester withdraws their own pending request (nothing was sealed)."""
    source = source_here()
    with transaction.atomic():
        transfer = _pending(transfer.pk)
        if actor.pk != transfer.requested_by_id:
            raise PermissionDenied("Only the person who asked can withdraw a request; others decline it.")
        transfer.status, transfer.decided_at = TransferStatus.WITHDRAWN, timezone.now()
        transfer.save()
        _audit("referrals.transfer_withdraw", actor, source, transfer, case=transfer.case_number)
    return transfer


# --- Termly aggregates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    recipient: Organisation
    outcome: str  # "sent", "already_sent" or a policy denial code
    record_id: int | None = None


def _threshold(agreement_id: int) -> int:
    return small_number_threshold(agreement_id)


def aggregate_send(*, source: Organisation, term: Term, actor: User | None = None) -> list[SendResult]:
    """Send `term`'s counts to every organisation the policy lets receive referral aggregates from `source`
    (its validating university under the franchise agreement) and to its validating university
    in any case, which is skipped with the policy's reason code when nothing allows it.

    Idempotent per (term, recipient): a term already sent to a recipient is not sent again.
    Each recipient gets the tables suppressed with *its* agreement's threshold. Call in the
    partner's schema.
    """
    assert source.pk == source_here().pk, "aggregate_send runs in the source's own schema"
    results = []
    candidates = {o.pk: o for o in [*validators_of(source), *recipients(source, Level.AGGREGATE)]}
    for recipient in sorted(candidates.values(), key=lambda o: o.name):
        if AggregateSend.objects.filter(period=term.code, recipient=recipient).exists():
            results.append(SendResult(recipient, "already_sent"))
            continue
        try:
            decision = access_receive(
                source_id=source.pk, recipient_id=recipient.pk, kind=KIND, level=Level.AGGREGATE, purpose=PURPOSE
            )
            assert decision.agreement_id is not None
            threshold = _threshold(decision.agreement_id)
            with transaction.atomic():
                shared = records.record_share(
                    actor=actor, source=source, kind=KIND, purpose=PURPOSE, ref=f"aggregate:{term.code}",
                    recipient=recipient, level=Level.AGGREGATE, record=projections.aggregate_of(term, threshold),
                )  # fmt: skip
                sent = AggregateSend.objects.create(
                    period=term.code, recipient=recipient, agreement_id=decision.agreement_id, threshold=threshold,
                    shared_record_id=shared.pk, sent_by=actor,
                )  # fmt: skip
                _audit("referrals.aggregate_send", actor, source, sent, period=term.code, recipient=recipient.pk,
                       record=shared.pk, threshold=threshold)  # fmt: skip
                _tell_recipient(source, recipient, Level.AGGREGATE)
        except SharingDenied as denied:
            results.append(SendResult(recipient, denied.reason.value))
            continue
        results.append(SendResult(recipient, "sent", shared.pk))
    return results
