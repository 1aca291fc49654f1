"""Writes for agreements: draft, edit, propose, sign, suspend, resume, give notice, export.

Every service takes the acting person and the organisation they act for, checks their right
first (a scope from `tenants.scopes`), validates before writing (bad input leaves data as it
was), holds the agreement's row lock for the change, rewrites the policy index (`flows_sync`,
which also tells the exchange, so key changes commit with the change), and records its audit
event in the same transaction. Notifications to the other parties (`agreements.notices`) are
stored in the same transaction and go out after commit.

Versions and sharing (the rules pages, the API and the README describe):

* The version **in force** is `Agreement.current_version` once every required party has
  signed it. Saving, editing or proposing changes never touches it: changes to an agreement
  in force go into a **pending version** (`Agreement.pending_version`), a successor that is
  a draft until proposed, then awaits signatures.
* Drafting needs `agreements:draft` (Prevent lead, organisation admin, signatory, DPO);
  proposing a version (which binds the organisation) needs `agreements:propose` (authorised
  signatory or organisation admin); signing needs `agreements:sign`.
* A successor must be signed by every party of the version in force **and** of the
  successor, so a version that drops a party needs that party's signature (or that party's
  own notice to terminate). When the last required signature is made the successor takes
  over in the same transaction.
* Any party of the version in force may suspend it or give notice to terminate, whatever
  a pending version says. Suspension leaves a pending version pending (it may still be
  signed; if it takes over the agreement stays suspended until the suspending party lifts
  it). Notice to terminate withdraws a pending version at once: it is never signed.
* Before the first version is in force there is nothing to suspend or terminate: a party
  that disagrees does not sign. Editing a proposed first version replaces it.
* A version whose expiry date has passed, or whose expiry is before its start, is refused at
  drafting, proposing and signing (dates are inclusive, Europe/London: `core.dates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from agreements import notices
from agreements.documents import document_hash, signing_statement, version_document
from agreements.flows import flows_sync
from agreements.labels import readable_terms
from agreements.models import Agreement, AgreementParty, AgreementVersion, Signature
from agreements.selectors import agreement_export, agreement_version
from agreements.states import State, agreement_state
from agreements.validation import TEXT_FIELDS, clean_terms, date_problems
from core import crypto
from core.audit import audit_record
from core.dates import today as uk_today
from core.live import members_notify
from tenants.keys import current_key, private_key
from tenants.models import KeyPurpose, Organisation, Role, User
from tenants.scopes import Scope, require_scope

MAX_NOTICE_DAYS = 365


def _party_ids(version: AgreementVersion | None) -> list[int]:
    if version is None:
        return []
    return list(version.parties.values_list("organisation_id", flat=True))


def in_force(agreement: Agreement) -> AgreementVersion | None:
    """The version in force (signed by every required party), or None before the first is signed."""
    version = agreement.current_version
    return version if version is not None and version.fully_signed_at is not None else None


def required_signer_ids(agreement: Agreement, version: AgreementVersion) -> set[int]:
    """Who must sign `version`: its parties, and for a pending successor every party of the version in force."""
    required = set(_party_ids(version))
    if version.pk == agreement.pending_version_id:
        required |= set(_party_ids(in_force(agreement)))
    return required


def _locked(agreement: Agreement) -> Agreement:
    """The agreement, row-locked, with its version in force and its pending version."""
    return (
        Agreement.objects.select_for_update(no_key=True, of=("self",))
        .select_related("current_version", "pending_version")
        .get(pk=agreement.pk)
    )


def _require_party(organisation: Organisation, ids: set[int] | list[int], what: str) -> None:
    if organisation.pk not in ids:
        raise PermissionDenied(f"{organisation} is not a party to {what} of this agreement.")


def _notify(agreement: Agreement, *, event: str, actor_org: Organisation, version: int | None = None) -> None:
    """Tell every other party's members who may read agreements (`agreements:read`), live, after commit.

    Ids and a short event name only; for events no kind of notification covers (signed, fully
    signed, resumed). What people must act on or know is notified by `agreements.notices`."""
    payload = {"kind": "agreement", "event": event, "agreement": agreement.pk, "by": actor_org.name}
    if version is not None:
        payload["version"] = version
    others = Organisation.objects.filter(agreement_parties__version__agreement=agreement).exclude(pk=actor_org.pk)
    for schema in others.values_list("schema_name", flat=True).distinct():
        members_notify(schema=schema, payload=payload, scope=Scope.AGREEMENTS_READ)


def _write_version(version: AgreementVersion, parties: list[Organisation], terms: Mapping[str, Any]) -> None:
    for name, value in terms.items():
        setattr(version, name, value)
    version.save()
    version.parties.all().delete()
    AgreementParty.objects.bulk_create(
        AgreementParty(version=version, organisation=o, position=i) for i, o in enumerate(parties)
    )


def _check_drafter(organisation: Organisation, parties: list[Organisation]) -> None:
    if organisation not in parties:
        raise ValidationError({"parties": f"{organisation} must be one of the parties to an agreement it drafts."})


def agreement_create(
    *, actor: User, organisation: Organisation, parties: list[str], terms: Mapping[str, Any], template: str = ""
) -> Agreement:
    """Draft a new agreement (version 1, not yet sent for signature) on behalf of `organisation`.

    Needs `agreements:draft`. Raises ValidationError naming each field at fault (an expiry
    date in the past or before the start date included); writes nothing then.
    """
    require_scope(actor, organisation, Scope.AGREEMENTS_DRAFT)
    party_orgs, cleaned = clean_terms(parties=parties, terms=terms)
    _check_drafter(organisation, party_orgs)
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


def _next_number(agreement: Agreement) -> int:
    return (agreement.versions.aggregate(top=Max("number"))["top"] or 0) + 1


def _version_to_write(agreement: Agreement, actor: User) -> tuple[AgreementVersion, bool]:
    """(the version an edit writes to, whether it becomes the pending version)."""
    if in_force(agreement) is None:
        current = agreement.current_version
        if current.proposed_at is None:
            return current, False
        return AgreementVersion(agreement=agreement, number=_next_number(agreement), created_by=actor), False
    pending = agreement.pending_version
    if pending is not None and pending.proposed_at is None:
        return pending, True
    return AgreementVersion(agreement=agreement, number=_next_number(agreement), created_by=actor), True


def agreement_edit(
    *,
    actor: User,
    organisation: Organisation,
    agreement: Agreement,
    parties: list[str],
    terms: Mapping[str, Any],
    change_note: str = "",
) -> AgreementVersion:
    """Save changed terms as a draft. Sharing never changes here.

    Before any version is in force: a draft changes in place; a proposed first version is
    replaced by a new draft. Once a version is in force: the change is written to the pending
    version (a draft changes in place; a proposed one is replaced by a new draft), and the
    version in force keeps governing sharing. Needs `agreements:draft` and a party to the
    version in force or the pending one. Raises ValidationError (fields at fault) or
    PermissionDenied; writes nothing then.
    """
    require_scope(actor, organisation, Scope.AGREEMENTS_DRAFT)
    with transaction.atomic():
        agreement = _locked(agreement)
        _require_not_ended(agreement)
        _require_party(
            organisation,
            set(_party_ids(agreement.current_version)) | set(_party_ids(agreement.pending_version)),
            "any version",
        )
        current_in_force = in_force(agreement)
        party_orgs, cleaned = clean_terms(
            parties=parties,
            terms=terms,
            in_force_start=current_in_force.start_date if current_in_force else None,
        )
        _check_drafter(organisation, party_orgs)
        version, pending = _version_to_write(agreement, actor)
        created = version.pk is None
        version.change_note = change_note.strip()
        _write_version(version, party_orgs, cleaned)
        if pending:
            agreement.pending_version = version
            agreement.save(update_fields=["pending_version"])
        else:
            agreement.current_version = version
            agreement.title = cleaned["title"]
            agreement.save(update_fields=["current_version", "title"])
        flows_sync(agreement)
        audit_record(
            action="agreement.edit",
            actor=actor,
            organisation_id=organisation.pk,
            target=agreement,
            detail={"version": version.number, "new_version": created, "pending": pending},
        )
    return version


def _require_not_ended(agreement: Agreement) -> None:
    if agreement.terminates_at is not None:
        raise ValidationError("Notice to terminate has been given; this agreement can no longer change.")


def _require_dates_possible(agreement: Agreement, version: AgreementVersion) -> None:
    replaces = in_force(agreement) if version.pk == agreement.pending_version_id else None
    found = date_problems(
        start=version.start_date,
        expiry=version.expiry_date,
        review=version.review_date,
        today=uk_today(),
        in_force_start=replaces.start_date if replaces else None,
    )
    if found:
        messages = [m for ms in found.values() for m in ms]
        raise ValidationError(f"Version {version.number} cannot be in force: {' '.join(messages)}")


def _version_to_propose(agreement: Agreement) -> AgreementVersion:
    if in_force(agreement) is not None:
        if agreement.pending_version is None:
            raise ValidationError(
                f"Version {agreement.current_version.number} is in force; propose changes first (they become "
                "a pending version)."
            )
        return agreement.pending_version
    return agreement.current_version


def agreement_propose(*, actor: User, organisation: Organisation, agreement: Agreement) -> AgreementVersion:
    """Freeze the draft's text (the first version, or the pending one) and ask for signatures.

    Needs `agreements:propose` (authorised signatory or organisation admin): a proposal commits
    the organisation. The signed document names the parties the version drops
    (`leaving_parties`), who must sign it too. Sharing under the version in force continues.
    """
    require_scope(actor, organisation, Scope.AGREEMENTS_PROPOSE)
    with transaction.atomic():
        agreement = _locked(agreement)
        _require_not_ended(agreement)
        _require_party(
            organisation,
            set(_party_ids(agreement.current_version)) | set(_party_ids(agreement.pending_version)),
            "any version",
        )
        version = _version_to_propose(agreement)
        if version.proposed_at is not None:
            raise ValidationError(f"Version {version.number} has already been sent for signature.")
        _require_dates_possible(agreement, version)
        version.document = _document(agreement, version)
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
        notices.to_sign(agreement, version, by=organisation, signers=required_signer_ids(agreement, version))
    return version


def _document(agreement: Agreement, version: AgreementVersion) -> dict[str, Any]:
    parties = [p.organisation for p in version.parties.select_related("organisation")]
    leaving: list[Organisation] = []
    replaces = in_force(agreement) if version.pk == agreement.pending_version_id else None
    if replaces is not None:
        ids = {o.pk for o in parties}
        leaving = [p.organisation for p in replaces.parties.select_related("organisation")]
        leaving = [o for o in leaving if o.pk not in ids]
    names = {o.slug: o.name for o in [*parties, *leaving]}
    terms = {name: getattr(version, name) for name in TEXT_FIELDS}
    return version_document(version, parties, leaving_parties=leaving, readable=readable_terms(terms, names))


def _signable_version(agreement: Agreement, version_number: int, organisation: Organisation) -> AgreementVersion:
    version = agreement.versions.filter(number=version_number).first()
    if version is None:
        raise ValidationError({"version": f"This agreement has no version {version_number}."})
    open_version = agreement.pending_version or (agreement.current_version if in_force(agreement) is None else None)
    if version.fully_signed_at is not None:
        raise ValidationError({"version": f"Version {version.number} has already been signed by every party."})
    if open_version is None or version.pk != open_version.pk:
        if open_version is None:
            raise ValidationError({"version": f"Version {version.number} is no longer open for signature."})
        raise ValidationError(
            {
                "version": f"Version {version.number} has been superseded by version {open_version.number}; "
                f"read and sign version {open_version.number} instead."
            }
        )
    if version.proposed_at is None:
        raise ValidationError({"version": f"Version {version.number} is a draft; it must be sent for signature first."})
    _require_party(organisation, required_signer_ids(agreement, version), f"version {version.number}")
    earlier = version.signatures.filter(organisation=organisation).first()
    if earlier is not None:
        raise ValidationError(
            {
                "version": f"{organisation} already signed version {version.number} "
                f"({earlier.signer_name}, {earlier.signed_at:%d %b %Y %H:%M})."
            }
        )
    _require_dates_possible(agreement, version)
    return version


def agreement_sign(*, actor: User, organisation: Organisation, agreement: Agreement, version_number: int) -> Signature:
    """`actor`, a signatory of `organisation` (`agreements:sign`), signs exactly version `version_number`.

    The open version is the first version before it is in force, or the pending version.
    `organisation` must be one of its required signers (`required_signer_ids`). When the last
    required signature is made the version comes into force: a pending version replaces the
    version in force in this same transaction (policy index and key changes included). The
    agreement row lock serialises signers, so two signing at once both count and the last one
    in activates the version exactly once.
    """
    require_scope(actor, organisation, Scope.AGREEMENTS_SIGN)
    with transaction.atomic():
        agreement = _locked(agreement)
        if agreement.terminates_at is not None:
            raise ValidationError("Notice to terminate has been given; this agreement can no longer be signed.")
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
        signed = set(version.signatures.values_list("organisation_id", flat=True))
        if required_signer_ids(agreement, version) <= signed:
            _take_effect(agreement, version, actor=actor, organisation=organisation, at=signature.signed_at)
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


def _take_effect(
    agreement: Agreement, version: AgreementVersion, *, actor: User, organisation: Organisation, at: Any
) -> None:
    """Every required party has signed: `version` is in force from now, in this transaction."""
    replaced = in_force(agreement) if version.pk == agreement.pending_version_id else None
    version.fully_signed_at = at
    version.save(update_fields=["fully_signed_at"])
    if replaced is not None:
        agreement.current_version, agreement.pending_version = version, None
        agreement.title = version.title
        agreement.save(update_fields=["current_version", "pending_version", "title"])
    flows_sync(agreement)
    audit_record(
        action="agreement.fully_signed",
        actor=actor,
        organisation_id=organisation.pk,
        target=agreement,
        detail={"version": version.number, "replaces": replaced.number if replaced else None},
    )
    _notify(agreement, event="fully_signed", actor_org=organisation, version=version.number)


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason; the other parties will see it."})
    return reason.strip()


def _locked_in_force(agreement: Agreement, organisation: Organisation, doing: str) -> Agreement:
    """Locked agreement whose version in force binds `organisation` (whatever a pending version says)."""
    agreement = _locked(agreement)
    version = in_force(agreement)
    if version is None:
        raise ValidationError(
            f"Version {agreement.current_version.number} is not in force yet, so there is nothing to {doing}: "
            "nothing is shared under it until every party has signed. A party that disagrees does not sign."
        )
    _require_party(organisation, _party_ids(version), f"the version in force (version {version.number})")
    return agreement


def agreement_suspend(*, actor: User, organisation: Organisation, agreement: Agreement, reason: str) -> Agreement:
    """Stop all sharing under the agreement at once, until the suspending party resumes it.

    Needs `agreements:end` and a party to the version in force. A pending version stays pending.
    """
    require_scope(actor, organisation, Scope.AGREEMENTS_END)
    reason = _require_reason(reason)
    with transaction.atomic():
        agreement = _locked_in_force(agreement, organisation, "suspend")
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
        notices.suspended(agreement, by=organisation)
    return agreement


def agreement_resume(*, actor: User, organisation: Organisation, agreement: Agreement) -> Agreement:
    """Lift a suspension. Only the party that suspended may lift it (`agreements:end`)."""
    require_scope(actor, organisation, Scope.AGREEMENTS_END)
    with transaction.atomic():
        agreement = _locked(agreement)
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
    """Give notice: the agreement ends by itself `notice_days` from now (0: at once).

    Needs `agreements:end` and a party to the version in force, whatever a pending version
    says. A pending version is withdrawn in the same transaction (it can no longer be signed).
    """
    require_scope(actor, organisation, Scope.AGREEMENTS_END)
    reason = _require_reason(reason)
    days = _clean_notice(notice_days)
    with transaction.atomic():
        agreement = _locked_in_force(agreement, organisation, "terminate")
        _require_not_ended(agreement)
        now = timezone.now()
        withdrawn = agreement.pending_version
        agreement.notice_given_at = now
        agreement.terminates_at = now + timedelta(days=days)
        agreement.terminated_by = organisation
        agreement.termination_reason = reason
        agreement.pending_version = None
        agreement.save(
            update_fields=["notice_given_at", "terminates_at", "terminated_by", "termination_reason", "pending_version"]
        )
        flows_sync(agreement)
        audit_record(
            action="agreement.terminate",
            actor=actor,
            organisation_id=organisation.pk,
            target=agreement,
            detail={
                "reason": reason,
                "notice_days": days,
                "withdrawn_version": withdrawn.number if withdrawn else None,
            },
        )
        notices.notice_given(agreement, by=organisation)
    return agreement


def agreement_export_take(
    *, actor: User | None, organisation: Organisation | None, agreement: Agreement, number: int
) -> dict[str, Any]:
    """The export of version `number` (see `selectors.agreement_export`), recording who took it.

    `actor`/`organisation` are None for the management command (an operator on the server);
    a page or API caller needs `agreements:read`. Raises ValueError for a draft or a missing version.
    """
    if organisation is not None:
        require_scope(actor, organisation, Scope.AGREEMENTS_READ)
    version = agreement_version(agreement, number)
    if version is None:
        raise ValueError(f"Agreement {agreement.pk} has no version {number}.")
    export = agreement_export(version)
    audit_record(
        action="agreement.export",
        actor=actor,
        organisation_id=organisation.pk if organisation else None,
        target=agreement,
        detail={"version": version.number},
    )
    return export
