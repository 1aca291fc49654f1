"""Who can open what, after every step, equals an independent model (generated sequences).

Hypothesis draws sequences of operations over the session's four organisations: agree (2-3
parties, summary or full, a short or long life), a new version changing parties or level
(signed by every party of either version), terminate at once, suspend, resume, share a
check (with a short or long life), withdraw a check, and let days pass then run the sweep.
After every step real cryptography decides, for every organisation and every check, the
highest level it can open with its private keys through any wrapped key in the database,
and that must equal the model below, which knows nothing of keys, channels or the policy
code: the source reads its own check at full until it lapses; another organisation reads a
current check at min(the highest level of any active agreement both are party to, the
source's automatic level). Also after every step, an organisation with no access to a
source holds no key to that source's channels, and a check is never opened, above the level
its reader is allowed now, by any channel key that reader held at any earlier step.
Each example rolls back.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements import services as agreement_services
from agreements.flows import day_start
from agreements.models import Level
from core import crypto
from sharing import services
from sharing.keys import channel_key_for_recipient, own_exchange_private
from sharing.models import ChannelGrant, EnvelopeKey, ExchangeSettings, envelope_identity, envelope_key_context
from sharing.sweep import exchange_sweep
from tests.agreements.conftest import Drafting, terms_for
from tests.sharing.conftest import FakeProjection, speaker_flow
from tests.sharing.keyholders import Clock

SUMMARY, FULL = int(Level.SUMMARY), int(Level.FULL)
AUTOMATIC = [FULL, SUMMARY, SUMMARY, FULL]  # each organisation's automatic sharing level
NAMES = ["Amira El-Masri", "Jonas Okafor-Reid", "Siân Nakamura", "Tomasz Adeyemi", "Leila Brennan", "Ravi O'Connell"]


class Rollback(Exception):
    pass


@dataclass
class AgreementModel:
    obj: object
    drafter: int
    parties: set[int]
    full: bool
    expiry: dt.date
    suspended: bool = False
    terminated: bool = False

    def active(self, now: dt.datetime) -> bool:
        return not self.suspended and not self.terminated and now < day_start(self.expiry)


@dataclass
class CheckModel:
    obj: object
    source: int
    expires_at: dt.datetime
    withdrawn: bool = False


@dataclass
class World:
    agreements: list[AgreementModel] = field(default_factory=list)
    checks: list[CheckModel] = field(default_factory=list)

    def allowed(self, source: int, reader: int, now: dt.datetime) -> int | None:
        levels = [
            FULL if a.full else SUMMARY
            for a in self.agreements
            if a.active(now) and source in a.parties and reader in a.parties and source != reader
        ]
        return max(levels) if levels else None

    def readable(self, check: CheckModel, reader: int, now: dt.datetime) -> int | None:
        if now >= check.expires_at:
            return None  # lapsed; days pass only with a sweep, which shreds it
        if reader == check.source:
            return FULL
        allowed = self.allowed(check.source, reader, now)
        if check.withdrawn or allowed is None:
            return None
        return min(allowed, AUTOMATIC[check.source])


agree = st.tuples(
    st.just("agree"),
    st.lists(st.integers(0, 3), min_size=2, max_size=3, unique=True),
    st.booleans(),
    st.sampled_from([3, 400]),
)
version = st.tuples(
    st.just("version"),
    st.integers(0, 2),
    st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
    st.booleans(),
)
share = st.tuples(st.just("share"), st.integers(0, 3), st.sampled_from([2, 300]))  # (pick, days to lapse)
operation = st.one_of(
    share,
    agree,
    share,
    version,
    share,
    st.tuples(st.just("terminate"), st.integers(0, 2)),
    st.tuples(st.just("suspend"), st.integers(0, 2)),
    st.tuples(st.just("resume"), st.integers(0, 2)),
    st.tuples(st.just("withdraw"), st.integers(0, 5)),
    st.tuples(st.just("advance"), st.sampled_from([2, 4])),
)


def _flows(orgs, full):
    return {"flows": [speaker_flow(orgs, orgs, "full")]} if full else {}


def _dates(expiry: dt.date) -> dict:
    return {"expiry_date": expiry, "review_date": expiry - dt.timedelta(days=1)}


class Runner:
    def __init__(self, organisations, privates, drafting: Drafting, clock: Clock) -> None:
        self.orgs, self.privates, self.drafting, self.clock = organisations, privates, drafting, clock
        self.world = World()
        self.ever_held: dict[int, list[bytes]] = {i: [] for i in range(len(organisations))}
        self.request_id = 0
        self.index = {o.pk: i for i, o in enumerate(organisations)}

    def today(self) -> dt.date:
        return dt.date.today() + self.clock.offset  # noqa: DTZ011

    def run(self, op) -> None:
        getattr(self, f"_{op[0]}")(*op[1:])

    def _agree(self, parties, full, life_days) -> None:
        orgs = [self.orgs[i] for i in parties]
        expiry = self.today() + dt.timedelta(days=life_days)
        agreement = self.drafting.active(orgs, **_flows(orgs, full), **_dates(expiry))
        self.world.agreements.append(AgreementModel(agreement, parties[0], set(parties), full, expiry))

    def _pick(self, index):
        alive = [a for a in self.world.agreements if a.active(timezone.now())]
        return alive[index % len(alive)] if alive else None

    def _version(self, index, parties, full) -> None:
        model = self._pick(index)
        if model is None:
            return
        new_parties = sorted(set(parties) | {model.drafter})
        if len(new_parties) < 2:
            return
        agreement = model.obj
        agreement.refresh_from_db()
        drafter = self.orgs[model.drafter]
        orgs = [self.orgs[i] for i in new_parties]
        agreement_services.agreement_edit(
            actor=self.drafting.lead(drafter),
            organisation=drafter,
            agreement=agreement,
            parties=[o.slug for o in orgs],
            terms=terms_for("network_speaker_checks", orgs, **_flows(orgs, full), **_dates(model.expiry)),
            change_note="Parties or level changed",
        )
        agreement.refresh_from_db()
        self.drafting.propose(agreement)
        number = agreement.versions.order_by("-number").values_list("number", flat=True).first()
        for i in sorted(model.parties | set(new_parties)):
            try:
                self.drafting.sign(agreement, self.orgs[i], version=number)
            except (PermissionDenied, ValidationError):
                pass
        model.parties, model.full = set(new_parties), full

    def _ending(self, index):
        candidates = [a for a in self.world.agreements if not a.terminated]
        return candidates[index % len(candidates)] if candidates else None

    def _terminate(self, index) -> None:
        model = self._ending(index)
        if model is None:
            return
        drafter = self.orgs[model.drafter]
        agreement_services.agreement_terminate(
            actor=self.drafting.signatory(drafter),
            organisation=drafter,
            agreement=model.obj,
            reason="Ended",
            notice_days=0,
        )
        model.terminated = True

    def _suspend(self, index) -> None:
        model = self._pick(index)
        if model is None:
            return
        drafter = self.orgs[model.drafter]
        agreement_services.agreement_suspend(
            actor=self.drafting.signatory(drafter), organisation=drafter, agreement=model.obj, reason="Concern raised"
        )
        model.suspended = True

    def _resume(self, index) -> None:
        suspended = [a for a in self.world.agreements if a.suspended and not a.terminated]
        if not suspended:
            return
        model = suspended[index % len(suspended)]
        drafter = self.orgs[model.drafter]
        agreement_services.agreement_resume(
            actor=self.drafting.signatory(drafter), organisation=drafter, agreement=model.obj
        )
        model.suspended = False

    def _share(self, pick, life_days) -> None:
        # mostly from an organisation that is (or was) party to an agreement, sometimes from any
        parties = sorted(set().union(*(a.parties for a in self.world.agreements)))
        source = parties[pick % len(parties)] if pick < 3 and parties else pick % len(self.orgs)
        self.request_id += 1
        now = timezone.now()
        expires_on = (self.today() + dt.timedelta(days=life_days)).isoformat()
        projection = FakeProjection(self.request_id, (NAMES[self.request_id % len(NAMES)],), expires_on=expires_on)
        try:
            (check,) = services.check_share(actor=None, source=self.orgs[source], projection=projection)
        except services.NothingToShare:
            assert all(self.world.allowed(source, r, now) is None for r in range(len(self.orgs)))
            return
        model = CheckModel(check, source, check.expires_at)
        self.world.checks.append(model)
        for reader, secrets in self.ever_held.items():  # nothing sealed now opens with a key held before
            allowed = self.world.readable(model, reader, now)
            if reader != source:
                assert all(level <= (allowed or 0) for level in _opened_with(secrets, check)), (reader, allowed)

    def _withdraw(self, index) -> None:
        # a lapsed check is shredded by the sweep (`_advance`): nothing is left to withdraw
        open_checks = [c for c in self.world.checks if not c.withdrawn and c.expires_at > timezone.now()]
        if not open_checks:
            return
        model = open_checks[index % len(open_checks)]
        services.check_withdraw(
            actor=self.drafting.lead(self.orgs[model.source]), check=model.obj, reason="Shared in error"
        )
        model.withdrawn = True

    def _advance(self, days) -> None:
        self.clock.advance(days=days)
        exchange_sweep()

    def verify(self) -> int:
        now = timezone.now()
        opened = _opened_matrix(self.privates, [c.obj for c in self.world.checks])
        for c, model in enumerate(self.world.checks):
            for r in range(len(self.orgs)):
                levels = opened.get((r, c), set())
                assert (max(levels) if levels else None) == self.world.readable(model, r, now), (r, c, levels)
        for s, sender in enumerate(self.orgs):
            for r, reader in enumerate(self.orgs):
                if r != s and self.world.allowed(s, r, now) is None:
                    assert not ChannelGrant.objects.filter(channel__sender=sender, recipient=reader).exists(), (s, r)
        for grant in ChannelGrant.objects.select_related("channel"):
            r = self.index[grant.recipient_id]
            self.ever_held[r].append(channel_key_for_recipient(grant, self.privates[r][grant.recipient_key_id]))
        return len(self.world.checks) * len(self.orgs)


def _open_one(secret: bytes, key: EnvelopeKey) -> int | None:
    check = key.envelope.check_row
    try:
        data_key = crypto.open_sealed(
            secret, bytes(key.wrapped_data_key), associated_data=envelope_key_context(key.envelope_id, key.channel_id)
        )
        crypto.open_sealed(
            data_key, bytes(key.envelope.sealed), associated_data=envelope_identity(check, key.envelope.level)
        )
    except crypto.CryptoError:
        return None
    return int(key.envelope.level)


def _opened_with(secrets: list[bytes], check) -> set[int]:
    keys = EnvelopeKey.objects.filter(envelope__check_row=check).select_related("envelope__check_row")
    return {level for key in keys for secret in secrets if (level := _open_one(secret, key)) is not None}


def _opened_matrix(privates, checks) -> dict[tuple[int, int], set[int]]:
    """(organisation index, check index) -> levels its private keys open through any grant row in the database."""
    index = {check.pk: i for i, check in enumerate(checks)}
    keys = list(
        EnvelopeKey.objects.filter(envelope__check_row__in=checks).select_related("envelope__check_row", "channel")
    )
    grants = ChannelGrant.objects.filter(channel_id__in={k.channel_id for k in keys}).select_related("channel")
    secrets: dict[tuple[int, int], list[bytes]] = {}
    for grant in grants:
        for r, keys_of_r in privates.items():
            for private in keys_of_r.values():
                try:
                    secrets.setdefault((r, grant.channel_id), []).append(channel_key_for_recipient(grant, private))
                except crypto.CryptoError:
                    continue
    opened: dict[tuple[int, int], set[int]] = {}
    for key in keys:
        for r in privates:
            for secret in secrets.get((r, key.channel_id), []):
                level = _open_one(secret, key)
                if level is not None:
                    opened.setdefault((r, index[key.envelope.check_row_id]), set()).add(level)
    return opened


def test_after_every_step_who_can_open_each_check_equals_the_model(org_a, org_b, partner, network, member, monkeypatch):
    organisations = [org_a, org_b, partner, network]
    clock = Clock(monkeypatch)
    privates = {r: own_exchange_private(o.pk) for r, o in enumerate(organisations)}  # by key id
    cases = []
    kinds = Counter()

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(
        first=agree,
        operations=st.lists(operation, min_size=4, max_size=10),
    )
    def property_holds(first, operations):
        kinds.update(op[0] for op in operations)
        clock.offset = dt.timedelta()
        try:
            with transaction.atomic():
                for i, level in enumerate(AUTOMATIC):
                    ExchangeSettings.objects.update_or_create(
                        organisation=organisations[i], defaults={"automatic_level": level}
                    )
                runner = Runner(organisations, privates, Drafting(member), clock)
                for op in [first, *operations]:
                    runner.run(op)
                    cases.append(runner.verify())
                raise Rollback
        except Rollback:
            pass

    property_holds()

    # every way access ends was exercised; enough steps and (organisation, check) pairs were compared
    assert {"version", "terminate", "suspend", "resume", "share", "withdraw", "advance"} <= set(kinds), kinds
    assert len(cases) >= 100 and sum(cases) >= 100, (len(cases), sum(cases), kinds)
