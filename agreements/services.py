"""Writes for agreements: draft, edit, propose, sign, suspend, resume, give notice.

Every service takes the acting person and the organisation they act for, checks their
authority first, validates before writing (bad input leaves data as it was), holds the
agreement's row lock for the change, rewrites the policy index, and records its audit
event in the same transaction. Notifications to the other parties go out after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from agreements.documents import document_hash, signing_statement, version_document
from agreements.flows import flows_sync
from agreements.models import Agreement, AgreementParty, AgreementVersion, Signature
from agreements.states import State, agreement_state
from agreements.validation import clean_terms
from core import crypto
from core.after_commit import send_after_commit
from core.audit import audit_record
from tenants.keys import current_key, private_key
from tenants.models import KeyPurpose, Membership, Organisation, Role, User

DRAFTING_ROLES = (Role.PREVENT_LEAD, Role.ORG_ADMIN)
ENDING_ROLES = (Role.SIGNATORY, Role.ORG_ADMIN, Role.DATA_PROTECTION_OFFICER)
MAX_NOTICE_DAYS = 365


def _require_any_role(actor: User, organisation: Organisation, roles: Iterable[str]) -> Membership:
    roles = tuple(roles)
    membership = Membership.objects.filter(user=actor, organisation=organisation).first()
    if membership is None or not any(membership.has_role(role) for role in roles):
        labels = " or ".join(Role(role).label for role in roles)
        raise PermissionDenied(f"This needs the {labels} role in {organisation}.")
    return membership


def _party_ids(version: AgreementVersion) -> list[int]:
    return list(version.parties.values_list("organisation_id", flat=True))


def _locked(agreement: Agreement, organisation: Organisation) -> Agreement:
    """The agreement, row-locked, with its current version; the organisation must be a current party."""
    locked = Agreement.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=agreement.pk)
    if organisation.pk not in _party_ids(locked.current_version):
        raise PermissionDenied(f"{organisation} is not a party to the current version of this agreement.")
    return locked


def _notify(agreement: Agreement, *, event: str, actor_org: Organisation, version: int | None = None) -> None:
    """Tell every other party's members, after commit. Ids and a short event name only."""
    payload = {"kind": "agreement", "event": event, "agreement": agreement.pk, "by": actor_org.name}
    if version is not None:
        payload["version"] = version
    others = Organisation.objects.filter(agreement_parties__version__agreement=agreement).exclude(pk=actor_org.pk)
    for schema in others.values_list("schema_name", flat=True).distinct():
        send_after_commit(f"{schema}.organisation", {"type": "notify", "payload": payload})


def _write_version(version: AgreementVersion, parties: list[Organisation], terms: Mapping[str, Any]) -> None:
    for name, value in terms.items():
        setattr(version, name, value)
    version.save()
    version.parties.all().delete()
    AgreementParty.objects.bulk_create(
        AgreementParty(version=version, organisation=o, position=i) for i, o in enumerate(parties)
    )


def _check_drafter(actor: User, organisation: Organisation, parties: list[Organisation]) -> None:
    if organisation not in parties:
        raise ValidationError({"parties": f"{organisation} must be one of the parties to an agreement it drafts."})


def agreement_create(
    *, actor: User, organisation: Organisation, parties: list[str], terms: Mapping[str, Any], template: str = ""
) -> Agreement:
    """Draft a new agreement (version 1, not yet sent for signature) on behalf of `organisation`."""
    _require_any_role(actor, organisation, DRAFTING_ROLES)
    party_orgs, cleaned = clean_terms(parties=parties, terms=terms)
    _check_drafter(actor, organisation, party_orgs)
    with transaction.atomic():
        agreement = Agreement.objects.create(
            title=cleaned["title"], drafted_by_organisation=organisation, drafted_by=actor, template=template
        )
        version = AgreementVersion(agreement=agreement, number=1, created_by=actor)
        _write_version(version, party_orgs, cleaned)
        agreement.current_version = version
        agreement.save(update_fields=["current_version"])
        flows_sync(agreement)
        audit_record(
            action="agreement.create",
            actor=actor,
            organisation_id=organisation.pk,
            target=agreement,
            detail={"version": 1, "parties": [o.pk for o in party_orgs], "template": template},
        )
    return agreement


def agreement_edit(
    *,
    actor: User,
    organisation: Organisation,
    agreement: Agreement,
    parties: list[str],
    terms: Mapping[str, Any],
    change_note: str = "",
) -> AgreementVersion:
    """Change the terms. A draft changes in place; a proposed version is never changed: the
    edit becomes a new draft version, which is current at once and needs everyone's signature.
    """
    _require_any_role(actor, organisation, DRAFTING_ROLES)
    party_orgs, cleaned = clean_terms(parties=parties, terms=terms)
    _check_drafter(actor, organisation, party_orgs)
    with transaction.atomic():
        agreement = _locked(agreement, organisation)
        _require_not_ended(agreement)
        current = agreement.current_version
        if current.proposed_at is None:
            version = current
        else:
            version = AgreementVersion(agreement=agreement, number=current.number + 1, created_by=actor)
        version.change_note = change_note.strip()
        _write_version(version, party_orgs, cleaned)
        agreement.current_version = version
        agreement.title = cleaned["title"]
        agreement.save(update_fields=["current_version", "title"])
        flows_sync(agreement)
        audit_record(
            action="agreement.edit",
            actor=actor,
            organisation_id=organisation.pk,
            target=agreement,
            detail={"version": version.number, "new_version": version.pk != current.pk},
        )
    return version


def _require_not_ended(agreement: Agreement) -> None:
    if agreement.terminates_at is not None:
        raise ValidationError("Notice to terminate has been given; this agreement can no longer change.")


def agreement_propose(*, actor: User, organisation: Organisation, agreement: Agreement) -> AgreementVersion:
    """Freeze the current draft's text and ask every party's signatory to sign it."""
    _require_any_role(actor, organisation, DRAFTING_ROLES)
    with transaction.atomic():
        agreement = _locked(agreement, organisation)
        _require_not_ended(agreement)
        version = agreement.current_version
        if version.proposed_at is not None:
            raise ValidationError(f"Version {version.number} has already been sent for signature.")
        parties = [p.organisation for p in version.parties.select_related("organisation")]
        version.document = version_document(version, parties)
        version.document_hash = document_hash(version.document)
        version.proposed_at = timezone.now()
        version.save(update_fields=["document", "document_hash", "proposed_at"])
        flows_sync(agreement)
        audit_record(
            action="agreement.propose",
            actor=actor,
            organisation_id=organisation.pk,
            target=agreement,
            detail={"version": version.number, "document_sha256": version.document_hash},
        )
        _notify(agreement, event="awaiting_signature", actor_org=organisation, version=version.number)
    return version


def _signable_version(agreement: Agreement, version_number: int, organisation: Organisation) -> AgreementVersion:
    current = agreement.current_version
    version = agreement.versions.filter(number=version_number).first()
    if version is None:
        raise ValidationError({"version": f"This agreement has no version {version_number}."})
    if version.pk != current.pk:
        raise ValidationError(
            {
                "version": f"Version {version.number} has been superseded by version {current.number}; "
                f"read and sign version {current.number} instead."
            }
        )
    if version.proposed_at is None:
        raise ValidationError({"version": f"Version {version.number} is a draft; it must be sent for signature first."})
    if agreement.terminates_at is not None:
        raise ValidationError("Notice to terminate has been given; this agreement can no longer be signed.")
    earlier = version.signatures.filter(organisation=organisation).first()
    if earlier is not None:
        raise ValidationError(
            {
                "version": f"{organisation} already signed version {version.number} "
                f"({earlier.signer_name}, {earlier.signed_at:%d %b %Y %H:%M})."
            }
        )
    return version


def agreement_sign(*, actor: User, organisation: Organisation, agreement: Agreement, version_number: int) -> Signature:
    """`actor`, a signatory of `organisation`, signs exactly version `version_number`.

    The agreement row lock serialises signers, so two signing at once both count and the
    last one in activates the agreement exactly once.
    """
    _require_any_role(actor, organisation, [Role.SIGNATORY])
    with transaction.atomic():
        agreement = _locked(agreement, organisation)
        version = _signable_version(agreement, version_number, organisation)
        signature = _signature_create(actor=actor, organisation=organisation, version=version)
        audit_record(
            action="agreement.sign",
            actor=actor,
            organisation_id=organisation.pk,
            target=agreement,
            detail={
                "version": version.number,
                "document_sha256": version.document_hash,
                "key_fingerprint": signature.key_fingerprint,
            },
        )
        if set(_party_ids(version)) <= set(version.signatures.values_list("organisation_id", flat=True)):
            _activate(agreement, version, actor=actor, organisation=organisation, at=signature.signed_at)
        else:
            _notify(agreement, event="signed", actor_org=organisation, version=version.number)
    return signature


def _signature_create(*, actor: User, organisation: Organisation, version: AgreementVersion) -> Signature:
    key = current_key(organisation.pk, KeyPurpose.SIGNING)
    signed_at = timezone.now()
    role = Role.SIGNATORY.label
    statement = signing_statement(
        document=version.document,
        organisation=organisation.slug,
        signer_name=actor.full_name,
        signer_email=actor.email,
        signer_role=role,
        signed_at=signed_at.isoformat(),
    )
    return Signature.objects.create(
        version=version,
        organisation=organisation,
        signer=actor,
        signer_name=actor.full_name,
        signer_email=actor.email,
        signer_role=role,
        signed_at=signed_at,
        document_hash=version.document_hash,
        key=key,
        key_fingerprint=key.fingerprint,
        statement=statement,
        signature=crypto.sign(private_key(key), crypto.canonical_json(statement)),
    )


def _activate(
    agreement: Agreement, version: AgreementVersion, *, actor: User, organisation: Organisation, at: Any
) -> None:
    version.fully_signed_at = at
    version.save(update_fields=["fully_signed_at"])
    flows_sync(agreement)
    audit_record(
        action="agreement.fully_signed",
        actor=actor,
        organisation_id=organisation.pk,
        target=agreement,
        detail={"version": version.number},
    )
    _notify(agreement, event="fully_signed", actor_org=organisation, version=version.number)


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason; the other parties will see it."})
    return reason.strip()


def agreement_suspend(*, actor: User, organisation: Organisation, agreement: Agreement, reason: str) -> Agreement:
    """Stop all sharing under the agreement at once, until the suspending party resumes it."""
    _require_any_role(actor, organisation, ENDING_ROLES)
    reason = _require_reason(reason)
    with transaction.atomic():
        agreement = _locked(agreement, organisation)
        state = agreement_state(agreement, timezone.now())
        if state in (State.SUSPENDED, State.TERMINATED, State.EXPIRED):
            raise ValidationError(f"This agreement is {state.label.lower()}; it cannot be suspended.")
        agreement.suspended_at = timezone.now()
        agreement.suspended_by = organisation
        agreement.suspension_reason = reason
        agreement.save(update_fields=["suspended_at", "suspended_by", "suspension_reason"])
        flows_sync(agreement)
        audit_record(
            action="agreement.suspend",
            actor=actor,
            organisation_id=organisation.pk,
            target=agreement,
            detail={"reason": reason},
        )
        _notify(agreement, event="suspended", actor_org=organisation)
    return agreement


def agreement_resume(*, actor: User, organisation: Organisation, agreement: Agreement) -> Agreement:
    """Lift a suspension. Only the party that suspended may lift it."""
    _require_any_role(actor, organisation, ENDING_ROLES)
    with transaction.atomic():
        agreement = _locked(agreement, organisation)
        if agreement.suspended_at is None:
            raise ValidationError("This agreement is not suspended.")
        if agreement.suspended_by_id != organisation.pk:
            raise ValidationError(f"Only {agreement.suspended_by}, which suspended it, can lift the suspension.")
        agreement.suspended_at, agreement.suspended_by, agreement.suspension_reason = None, None, ""
        agreement.save(update_fields=["suspended_at", "suspended_by", "suspension_reason"])
        flows_sync(agreement)
        audit_record(action="agreement.resume", actor=actor, organisation_id=organisation.pk, target=agreement)
        _notify(agreement, event="resumed", actor_org=organisation)
    return agreement


def _clean_notice(notice_days: Any) -> int:
    try:
        days = int(notice_days)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= MAX_NOTICE_DAYS:
        raise ValidationError({"notice_days": f"Notice must be a whole number of days from 0 to {MAX_NOTICE_DAYS}."})
    return days


def agreement_terminate(
    *, actor: User, organisation: Organisation, agreement: Agreement, reason: str, notice_days: int
) -> Agreement:
    """Give notice: the agreement ends by itself `notice_days` from now (0: at once)."""
    _require_any_role(actor, organisation, ENDING_ROLES)
    reason = _require_reason(reason)
    days = _clean_notice(notice_days)
    with transaction.atomic():
        agreement = _locked(agreement, organisation)
        _require_not_ended(agreement)
        now = timezone.now()
        agreement.notice_given_at = now
        agreement.terminates_at = now + timedelta(days=days)
        agreement.terminated_by = organisation
        agreement.termination_reason = reason
        agreement.save(update_fields=["notice_given_at", "terminates_at", "terminated_by", "termination_reason"])
        flows_sync(agreement)
        audit_record(
            action="agreement.terminate",
            actor=actor,
            organisation_id=organisation.pk,
            target=agreement,
            detail={"reason": reason, "notice_days": days},
        )
        _notify(agreement, event="notice_to_terminate", actor_org=organisation)
    return agreement
