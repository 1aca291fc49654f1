"""`manage.py exchange_reindex`: checks indexed by older name rules are found again after it.

Old-scheme checks are made the way they were: shared, then given the tokens of the frozen
version-1 rules (bench/names_v1.py), exactly what the exchange stored before names v2.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench import names_v1
from core.models import AuditEvent
from sharing import reindex, selectors, services
from sharing.bulk import checks_share_bulk
from sharing.keys import blind_tokens
from sharing.models import ChannelGrant, Envelope, EnvelopeKey, NameToken, SharedCheck
from sharing.names import NAMES_VERSION
from tenants import services as tenant_services
from tests.factories import UserFactory
from tests.sharing.conftest import FakeProjection

# Stored names, and a query for each that the current rules must find.
OLD_CHECKS = {
    "Prof. Zoë Müller-Okafor": "Zoe Mueller-Okafor",
    "Renée Fair\u00adhallow": "Renée Fairhallow",
    "Tobi\u200bas Grennard": "Tobias Grennard",
    "علی رضاییان": "علي رضاييان",
    "M\u0430rta Kowalewsky": "Marta Kowalewsky",
    "Aoife Siobhan Brennick": "Aoife Brennick",
    "Dr Kwame Asantewaa": "Kwame Asantewaa",
    # names v3: ranks and asides in brackets are titles (the demo's seeded check)
    "Sgt (retd) Fiona McAllister": "Fiona McAllister",
}


def _to_v1(checks):
    """Give `checks` the tokens the version-1 rules stored."""
    for check in checks:
        name = _name_of(check)
        NameToken.objects.filter(check_row=check).delete()
        NameToken.objects.bulk_create(
            NameToken(check_row=check, digest=d) for d in blind_tokens(names_v1.index_tokens(name))
        )


def _name_of(check):
    return reindex._speaker_names([check])[check.pk]


def _found(org, query):
    return {
        view.content["speaker_name"] for view in selectors.speaker_check_search(organisation=org, user=None, name=query)
    }


def _snapshot():
    """Everything but the name tokens: the re-index must change none of it."""
    return (
        list(SharedCheck.objects.order_by("pk").values()),
        list(Envelope.objects.order_by("pk").values_list("pk", "sealed")),
        list(EnvelopeKey.objects.order_by("pk").values_list("pk", "channel_id", "wrapped_data_key", "expires_at")),
        list(ChannelGrant.objects.order_by("pk").values_list("pk", "wrapped")),
    )


def _run(*args):
    out = StringIO()
    call_command("exchange_reindex", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_checks(drafting, org_a, org_b):
    drafting.active([org_a, org_b])
    checks = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, tuple(OLD_CHECKS)))
    _to_v1(checks)
    return checks


def test_checks_indexed_by_the_old_rules_are_found_after_the_reindex_and_nothing_else_changes(old_checks, org_b):
    # given checks with version-1 tokens, which the current search cannot find
    assert all(_found(org_b, query) == set() for query in OLD_CHECKS.values())
    before = _snapshot()

    # when
    output = _run("--batch-size", "3")

    # then each is found by its query, and only the name tokens changed
    assert _snapshot() == before
    assert {stored: stored in _found(org_b, query) for stored, query in OLD_CHECKS.items()} == dict.fromkeys(
        OLD_CHECKS, True
    )
    assert "8 check(s) examined, 8 re-indexed" in output
    assert output.count("batch ") == 3


def test_the_reindex_audits_counts_only_one_event_per_batch(old_checks):
    _run("--batch-size", "5")

    events = list(AuditEvent.objects.filter(action="exchange.reindex").order_by("pk"))
    assert [e.detail["reindexed"] for e in events] == [5, 3]
    assert all(e.detail["names_version"] == NAMES_VERSION for e in events)
    details = " ".join(str(e.detail) for e in events)
    assert not any(word in details for word in ("Okafor", "Brennick", "Kowalewsky", "رضا", "McAllister"))


def test_a_second_run_finds_nothing_to_do_and_leaves_the_tokens_as_they_are(old_checks):
    _run()
    tokens = sorted(NameToken.objects.values_list("check_row_id", "digest"))

    output = _run()

    assert "0 check(s) examined, 0 re-indexed" in output
    assert sorted(NameToken.objects.values_list("check_row_id", "digest")) == tokens


def test_with_all_every_current_check_is_recomputed_and_already_current_ones_are_left(old_checks):
    _run()

    output = _run("--all")

    assert "8 check(s) examined, 0 re-indexed, 8 already current" in output


def test_the_reindex_writes_what_a_new_share_writes(old_checks, drafting, org_a):
    _run()
    reindexed = {check.pk: _name_of(check) for check in old_checks}

    for check_id, name in reindexed.items():
        assert set(NameToken.objects.filter(check_row_id=check_id).values_list("digest", flat=True)) == set(
            services.name_digests({"speaker_name": name})
        )


def test_withdrawn_and_superseded_checks_get_no_tokens(old_checks, org_a):
    withdrawn, corrected = old_checks[0], old_checks[1]
    services.check_withdraw(actor=_lead(org_a), check=withdrawn, reason="Shared in error")
    SharedCheck.objects.filter(pk=corrected.pk).update(is_current=False)
    NameToken.objects.filter(check_row=corrected).delete()

    _run()

    assert not NameToken.objects.filter(check_row__in=[withdrawn, corrected]).exists()


def _lead(org):

    user = UserFactory()
    tenant_services.membership_grant(actor=None, organisation=org, user=user, roles=["prevent_lead"])
    return user


def test_a_failing_batch_is_rolled_back_whole_and_earlier_batches_stay_done(old_checks, monkeypatch):
    # given the third check cannot be indexed (a fault mid-batch)
    real = services.name_digests
    poisoned = _name_of(old_checks[2])

    def digests(record, *, key=None):
        if record["speaker_name"] == poisoned:
            raise RuntimeError("fault injected by the test")
        return real(record, key=key)

    monkeypatch.setattr(reindex, "name_digests", digests)
    v1 = {c.pk: set(c.tokens.values_list("digest", flat=True)) for c in old_checks}

    # when
    with pytest.raises(RuntimeError):
        _run("--batch-size", "2")

    # then the first batch is done and the second (checks 3 and 4) kept its old tokens
    now = {c.pk: set(c.tokens.values_list("digest", flat=True)) for c in old_checks}
    assert [now[c.pk] == v1[c.pk] for c in old_checks[:4]] == [False, False, True, True]
    assert AuditEvent.objects.filter(action="exchange.reindex").count() == 1


def test_a_check_whose_archive_copy_does_not_open_keeps_its_tokens_and_is_reported(old_checks):
    broken = old_checks[0]
    EnvelopeKey.objects.filter(envelope__check_row=broken, channel__agreement__isnull=True).update(
        wrapped_data_key=b"not a key"
    )
    v1 = set(broken.tokens.values_list("digest", flat=True))

    output = _run()

    assert set(broken.tokens.values_list("digest", flat=True)) == v1
    assert "7 re-indexed" in output and "1 could not be opened" in output


def test_a_name_with_no_letters_gets_only_the_version_marker(drafting, org_a, org_b):
    drafting.active([org_a, org_b])
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(2, ("\u200b-\u00ad",)))
    assert not check.tokens.exists()

    assert "1 with no searchable name" in _run()
    assert "0 check(s) examined" in _run()
    assert check.tokens.count() == 1


def test_a_batch_size_below_one_is_refused_naming_the_option(db):
    with pytest.raises(CommandError, match="--batch-size"):
        _run("--batch-size", "0")


def test_checks_shared_in_bulk_are_reindexed_too(drafting, org_a, org_b):
    drafting.active([org_a, org_b])
    checks_share_bulk(
        actor=None, source=org_a, projections=[FakeProjection(n, (name,)) for n, name in enumerate(OLD_CHECKS, 1)]
    )
    _to_v1(SharedCheck.objects.filter(source=org_a))

    assert "8 re-indexed" in _run()
    assert all(stored in _found(org_b, query) for stored, query in OLD_CHECKS.items())
