"""The search reads in one statement, and its cached blind-index key follows every rotation.

`sharing.joint_read` loads candidates, policy terms, keys, grants, private keys, titles and
source names in one SELECT; the blind-index key is cached per process, keyed by its row id
and version, and the same SELECT reads that identity back, so a key rotated by any process
is picked up at the next search.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.keyring import secret_replace
from core.models import AuditEvent
from sharing import reindex, selectors, services
from sharing.keys import INDEX_SECRET, blind_index_key, blind_index_key_rotate, index_keys
from sharing.models import CheckOpened
from tests.sharing.conftest import FakeProjection

NAME = "Amira El-Masri"


@pytest.fixture
def network_ab(drafting, org_a, org_b):
    return drafting.active([org_a, org_b])


def _captured(organisation, name):
    with CaptureQueriesContext(connection) as captured:
        found = selectors.speaker_check_search(organisation=organisation, user=None, name=name)
    return found, [q["sql"] for q in captured.captured_queries]


def _reads(statements):
    return [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def test_a_hit_reads_in_one_statement_and_writes_its_opening_and_events(org_a, org_b, network_ab):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (NAME,)))
    selectors.speaker_check_search(organisation=org_b, user=None, name="Nobody Atall")  # warm the key cache

    found, statements = _captured(org_b, NAME)

    assert [v.source_name for v in found] == ["Alderley University"]
    assert found[0].agreement_title == network_ab.title
    assert found[0].content["speaker_name"] == NAME
    search_reads = [s for s in _reads(statements) if "sharing_nametoken" in s]
    assert len(search_reads) == 1
    # Beyond it, only the audit chains' own statements read anything.
    assert all("core_auditchain" in s for s in _reads(statements) if s not in search_reads)
    assert CheckOpened.objects.filter(reader_organisation=org_b, check_row_id=found[0].check_id).count() == 1


def test_a_miss_runs_the_same_read_as_a_hit(org_a, org_b, network_ab):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (NAME,)))
    selectors.speaker_check_search(organisation=org_b, user=None, name="Nobody Atall")

    _, hit = _captured(org_b, NAME)
    _, miss = _captured(org_b, "Ciarán Mbeki-Lindqvist")

    assert len(_reads(hit)) == len(_reads(miss))
    assert [s for s in hit if s.startswith("INSERT") and "sharing_checkopened" in s]
    assert not [s for s in miss if "sharing_checkopened" in s]


def test_the_blind_index_key_is_read_once_per_process_not_per_search(org_a, org_b, network_ab):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (NAME,)))
    selectors.speaker_check_search(organisation=org_b, user=None, name=NAME)

    _, statements = _captured(org_b, NAME)

    assert not [s for s in statements if s.lstrip().startswith("SELECT") and "core_wrappedsecret" in s]


def test_rotating_the_key_here_drops_the_cache_and_the_reindex_finds_the_name_again(org_a, org_b, network_ab):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (NAME,)))
    assert selectors.speaker_check_search(organisation=org_b, user=None, name=NAME)
    old_key = index_keys.get().key

    new_key = blind_index_key_rotate()

    assert new_key != old_key
    # The stored tokens were made with the old key: nothing is found until the re-index has run.
    assert selectors.speaker_check_search(organisation=org_b, user=None, name=NAME) == []
    assert index_keys.get().key == new_key
    reindex.name_index_rebuild()
    assert [
        v.content["speaker_name"] for v in selectors.speaker_check_search(organisation=org_b, user=None, name=NAME)
    ] == [NAME]


def test_a_key_rotated_by_another_process_is_seen_at_the_next_search(org_a, org_b, network_ab):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (NAME,)))
    assert selectors.speaker_check_search(organisation=org_b, user=None, name=NAME)
    stale = index_keys.get()

    # given: another process rotates the key and re-indexes (this process's cache is not told)
    secret_replace(INDEX_SECRET)
    reindex.name_index_rebuild()
    assert index_keys.get() is stale

    # when
    found = selectors.speaker_check_search(organisation=org_b, user=None, name=NAME)

    # then: the statement reported another key identity; the search ran again with the new key
    assert [v.content["speaker_name"] for v in found] == [NAME]
    assert index_keys.get() is not stale
    assert index_keys.get().key == blind_index_key()
    search = AuditEvent.objects.filter(action="exchange.search").order_by("-id").first()
    assert search.detail["results"] == 1


def test_a_master_key_rewrap_changes_the_version_but_not_the_key(org_a, org_b, network_ab):
    from core.models import WrappedSecret

    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (NAME,)))
    assert selectors.speaker_check_search(organisation=org_b, user=None, name=NAME)
    stale = index_keys.get()
    row = WrappedSecret.objects.get(name=INDEX_SECRET)
    # A rewrap writes a new wrapped form of the same key (here: the same bytes wrapped again).
    from core import crypto
    from core.keyring import _context
    from core.keys import load_master_key

    row.wrapped = crypto.wrap_with_master(load_master_key(), stale.key, context=_context(INDEX_SECRET))
    row.save(update_fields=["wrapped"])

    assert selectors.speaker_check_search(organisation=org_b, user=None, name=NAME)
    assert index_keys.get() is not stale
    assert index_keys.get().key == stale.key
