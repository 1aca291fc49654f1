"""Who is notified about an agreement (`notifications.services.notify`), and the daily sweeps.

* A version sent for signature: the other parties' signatories (`agreements:sign`).
* Suspended, given notice, ended (by notice running out, or at once) or expired: the other
  parties' members who read agreements (`agreements:read`); an expiry, every party's.
* Due for review (the same rule as the "Reviews due" list, `selectors.review_due`): each party's
  people who draft changes to it (`agreements:draft`), once per agreement and review date.

Texts name the agreement by its reference (ISA-12) and organisations by name; never the title
or any other term, which are free text.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from agreements.models import Agreement, AgreementVersion
from agreements.selectors import agreement_rows
from agreements.states import State
from core.dates import day_ends, london_date
from notifications.kinds import Kind
from notifications.services import notify
from notifications.texts import day as _day
from notifications.texts import short
from tenants.models import Organisation
from tenants.scopes import Scope

# An agreement that ended longer ago than this when the sweep first sees it is not announced
# (the sweep did not run, or the hub was installed after): old news is no notification.
ENDED_LOOK_BACK = timedelta(days=30)


def url_of(agreement: Agreement) -> str:
    return f"/agreements/{agreement.pk}/"


def ended_key(agreement: Agreement) -> str:
    return f"agreement:{agreement.pk}:ended"


def _other_parties(agreement: Agreement, organisation: Organisation, ids: set[int] | None = None) -> list[Organisation]:
    """Every organisation party to any version of `agreement` (or only `ids`), except `organisation`."""
    parties = Organisation.objects.filter(agreement_parties__version__agreement=agreement)
    if ids is not None:
        parties = parties.filter(pk__in=ids)
    return list(parties.exclude(pk=organisation.pk).distinct().order_by("pk"))


def to_sign(agreement: Agreement, version: AgreementVersion, *, by: Organisation, signers: set[int]) -> int:
    """`by` sent `version` for signature: tell the signatories of the other organisations that must sign it.

    Call inside the proposing transaction. Returns how many people were notified.
    """
    what = f"agreement {agreement.reference} (version {version.number})"
    text = f"{short(by.name)} sent {what} for your organisation's signature"
    return sum(
        len(
            notify(
                Kind.AGREEMENT_TO_SIGN,
                organisation=o,
                scope=Scope.AGREEMENTS_SIGN,
                text=text,
                url=url_of(agreement),
                object_id=version.pk,
            )
        )  # fmt: skip
        for o in _other_parties(agreement, by, signers)
    )


def _changed(agreement: Agreement, parties: list[Organisation], text: str, key: str = "") -> int:
    return sum(
        len(
            notify(
                Kind.AGREEMENT_CHANGED,
                organisation=o,
                scope=Scope.AGREEMENTS_READ,
                text=text,
                url=url_of(agreement),
                object_id=agreement.pk,
                key=key,
            )
        )  # fmt: skip
        for o in parties
    )


def suspended(agreement: Agreement, *, by: Organisation) -> int:
    """`by` suspended `agreement`: tell the other parties' readers of agreements. Call inside the transaction."""
    text = f"{short(by.name)} suspended agreement {agreement.reference}: nothing is shared under it until they lift it"
    return _changed(agreement, _other_parties(agreement, by), text)


def notice_given(agreement: Agreement, *, by: Organisation) -> int:
    """`by` gave notice on `agreement` (ending now, or on a later day). Call inside the transaction.

    Notice of 0 days ends the agreement at once: the notification is then also the one the
    daily sweep would send when it ends (same key), so nobody hears twice.
    """
    assert agreement.terminates_at is not None
    if agreement.terminates_at <= timezone.now():
        text = (
            f"{short(by.name)} terminated agreement {agreement.reference} with immediate effect: nothing more is shared"
        )
        return _changed(agreement, _other_parties(agreement, by), text, key=ended_key(agreement))
    ends = _day(london_date(agreement.terminates_at))
    text = f"{short(by.name)} gave notice to terminate agreement {agreement.reference}: it ends on {ends}"
    return _changed(agreement, _other_parties(agreement, by), text)


def _ended_at(agreement: Agreement, state: State) -> datetime | None:
    if state == State.TERMINATED:
        return agreement.terminates_at
    if state == State.EXPIRED:
        return day_ends(agreement.current_version.expiry_date)
    return None


def sweep_ended(organisation: Organisation, now: datetime | None = None) -> int:
    """Daily: tell `organisation`'s readers of agreements about its agreements that ended lately.

    An agreement terminated by notice is announced to the parties other than the one that gave
    it; an expired agreement to every party. Once per agreement (key). Returns how many were notified.
    """
    now = now or timezone.now()
    notified = 0
    for row in agreement_rows(organisation, now):
        agreement = row.agreement
        ended = _ended_at(agreement, row.state)
        if ended is None or ended < now - ENDED_LOOK_BACK or not row.in_force:
            continue
        if row.state == State.TERMINATED:
            if agreement.terminated_by_id == organisation.pk:
                continue
            text = (
                f"Agreement {agreement.reference} has ended: the notice to terminate given by "
                f"{short(agreement.terminated_by.name)} ran out. Nothing more is shared under it"
            )
        else:
            expiry = _day(agreement.current_version.expiry_date)
            text = f"Agreement {agreement.reference} expired on {expiry}. Nothing more is shared under it"
        notified += _changed(agreement, [organisation], text, key=ended_key(agreement))
    return notified


def sweep_review_due(organisation: Organisation, now: datetime | None = None) -> int:
    """Daily: tell `organisation`'s drafters (`agreements:draft`) of each agreement in force due for review.

    Due as the agreements page says it (three months before the review date, and after).
    Once per agreement and review date (key). Returns how many were notified.
    """
    notified = 0
    for row in agreement_rows(organisation, now or timezone.now()):
        if not (row.review_due and row.in_force):
            continue
        agreement = row.agreement
        review = agreement.current_version.review_date
        text = f"Agreement {agreement.reference} is due for review by {_day(review)}"
        notified += len(
            notify(Kind.AGREEMENT_REVIEW_DUE, organisation=organisation, scope=Scope.AGREEMENTS_DRAFT, text=text,
                   url=url_of(agreement), object_id=agreement.pk, key=f"agreement:{agreement.pk}:review:{review}")
        )  # fmt: skip
    return notified


def still_to_sign(user: object, version_id: int) -> bool:
    """Whether the version (a notification's `object_id`) still awaits this organisation's signature.

    Run in the organisation's schema (`notifications.services.still_allowed`): the version is
    proposed and not yet fully signed, still its agreement's text under negotiation or pending
    change, and the organisation has not signed it. Once signed, superseded or withdrawn,
    "awaits your signature" is no longer shown or sent.
    """
    from django.db import connection
    from django.db.models import F, Q

    return (
        AgreementVersion.objects.filter(pk=version_id, proposed_at__isnull=False, fully_signed_at__isnull=True)
        .filter(Q(agreement__pending_version_id=F("pk")) | Q(agreement__current_version_id=F("pk")))
        .exclude(signatures__organisation__schema_name=connection.schema_name)
        .exists()
    )


def register() -> None:
    """Register the daily sweeps and the to-sign object check (from `AgreementsConfig.ready`)."""
    from notifications.services import register_object_check
    from notifications.tasks import register_sweep

    register_object_check(Kind.AGREEMENT_TO_SIGN, still_to_sign)
    register_sweep(sweep_ended)
    register_sweep(sweep_review_due)
