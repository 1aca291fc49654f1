"""Helpers for agreement tests: terms from a template, and agreements in a chosen state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F

from agreements import services
from agreements.flows import flows_sync
from agreements.isa_templates import TEMPLATES
from agreements.models import Agreement, AgreementFlow, AgreementParty, AgreementVersion, Signature
from core.dates import today
from core.models import AuditEvent
from tenants.models import Organisation, User

TODAY = today()  # Europe/London, as every date-only field is read (core.dates)


def terms_for(template: str, parties: list[Organisation], **overrides: Any) -> dict[str, Any]:
    terms = TEMPLATES[template].terms([o.slug for o in parties], today=TODAY - timedelta(days=1))
    terms.update(overrides)
    return terms


def counts() -> dict[str, int]:
    """Everything an agreement service can write, to show that a refused change wrote nothing."""
    return {
        model.__name__: model.objects.count()
        for model in (Agreement, AgreementVersion, AgreementParty, Signature, AgreementFlow, AuditEvent)
    }


class Drafting:
    """Drives agreements between organisations through their lifecycle with real people."""

    def __init__(self, member: Callable[..., User]) -> None:
        self.member = member
        self._leads: dict[int, User] = {}
        self._signatories: dict[int, User] = {}

    def lead(self, organisation: Organisation) -> User:
        if organisation.pk not in self._leads:
            self._leads[organisation.pk] = self.member(organisation, "prevent_lead")
        return self._leads[organisation.pk]

    def signatory(self, organisation: Organisation) -> User:
        if organisation.pk not in self._signatories:
            self._signatories[organisation.pk] = self.member(organisation, "signatory")
        return self._signatories[organisation.pk]

    def draft(self, parties: list[Organisation], template: str = "network_speaker_checks", **overrides: Any):
        for organisation in parties:  # people first, so later counts see only the agreement's own writes
            self.lead(organisation)
            self.signatory(organisation)
        return services.agreement_create(
            actor=self.lead(parties[0]),
            organisation=parties[0],
            parties=[o.slug for o in parties],
            terms=terms_for(template, parties, **overrides),
            template=template,
        )

    def propose(self, agreement: Agreement) -> AgreementVersion:
        drafter = agreement.drafted_by_organisation
        # Proposing binds the organisation: an authorised signatory (or organisation admin) does it.
        return services.agreement_propose(actor=self.signatory(drafter), organisation=drafter, agreement=agreement)

    def sign(self, agreement: Agreement, organisation: Organisation, version: int | None = None) -> Signature:
        agreement.refresh_from_db()
        open_version = agreement.pending_version or agreement.current_version
        number = version or open_version.number
        return services.agreement_sign(
            actor=self.signatory(organisation), organisation=organisation, agreement=agreement, version_number=number
        )

    def active(self, parties: list[Organisation], template: str = "network_speaker_checks", **overrides: Any):
        agreement = self.draft(parties, template, **overrides)
        self.propose(agreement)
        for organisation in parties:
            self.sign(agreement, organisation)
        agreement.refresh_from_db()
        return agreement

    def expired(self, parties: list[Organisation], template: str = "network_speaker_checks", days_ago: int = 10):
        """An agreement signed in the past that expired `days_ago` days ago (its last day was then).

        An expired agreement can no longer be drafted or signed, so it is made in force today
        and then aged: the passage of time, not a back door round the rules.
        """
        agreement = self.active(parties, template, start_date=TODAY, review_date=TODAY, expiry_date=TODAY)
        age(agreement, days_ago)
        return agreement


def age(agreement: Agreement, days: int) -> None:
    """Move every date of `agreement` `days` into the past, as if that time had passed (test only)."""
    shift = timedelta(days=days)
    with transaction.atomic():
        AgreementVersion.objects.filter(agreement=agreement).update(
            start_date=F("start_date") - shift,
            review_date=F("review_date") - shift,
            expiry_date=F("expiry_date") - shift,
        )
        flows_sync(agreement)
    agreement.refresh_from_db()


@pytest.fixture
def drafting(member: Callable[..., User]) -> Drafting:
    return Drafting(member)
