"""A process killed (SIGKILL) in the middle of sealing a share, signing, importing and rotating the master key.

Each operation runs in its own process (`hub_script`, the hub's real services against the private
cluster) with `--kill MODULE.ATTR:N`: the Nth call of that function kills the process before it
runs, leaving PostgreSQL to notice the dead connection and roll back its open transaction. Then
the rows that must go together are checked and the audit chain verified: the operation is wholly
there or wholly absent, and running it again completes it.
"""

from __future__ import annotations

import signal

import pytest

from tests.faults.conftest import new_master_key

KILLED = -signal.SIGKILL


def _killed(private_hub, *args: str, **env: str) -> None:
    result = private_hub.run(*args, **env)
    assert result.returncode == KILLED, f"not killed ({result.returncode}):\n{result.stderr[-3000:]}"


def _intact(private_hub) -> dict:
    state = private_hub.json("invariants")
    assert state["problems"] == []
    assert state["audit"] == []
    return state["counts"]


@pytest.mark.parametrize(
    "fault",
    [
        # The check row and both sealed envelopes written, the archive keys wrapped, a recipient's not yet.
        "sharing.services._wrap:3",
        # Everything stored but the audit event.
        "sharing.services.audit_record:1",
    ],
)
def test_a_share_killed_while_sealing_leaves_nothing_and_the_previous_version_still_opens(private_hub, fault):
    request_id = str(private_hub.world["requests"][1])
    before = _intact(private_hub)
    _killed(private_hub, "share", "alderley", request_id, "--kill", fault)
    assert _intact(private_hub) == before
    assert private_hub.json("open-all")["failures"] == []  # the version in force is still open to recipients
    assert private_hub.json("share", "alderley", request_id) == {"shared": 1}
    assert _intact(private_hub)["shared_checks"] == before["shared_checks"] + 1


def test_a_share_killed_after_commit_before_its_live_message_is_stored_whole(private_hub):
    request_id = str(private_hub.world["requests"][2])
    before = _intact(private_hub)
    # The live message is sent after commit (core.after_commit): the kill lands after the share is stored.
    _killed(private_hub, "share", "alderley", request_id, "--kill", "channels.layers.get_channel_layer:1")
    assert _intact(private_hub)["shared_checks"] == before["shared_checks"] + 1
    assert private_hub.json("open-all")["failures"] == []


@pytest.mark.parametrize(
    "fault",
    [
        # The signature row written (signed with the organisation's key), its audit event not yet.
        "agreements.services.audit_record:1",
        # Signature and audit event written; the last signature's version not yet in force.
        "agreements.services.flows_sync:1",
    ],
)
def test_a_signature_killed_midway_is_absent_and_signing_again_brings_the_agreement_into_force(private_hub, fault):
    agreement = str(private_hub.json("sign-prepare")["agreement"])
    before = _intact(private_hub)
    _killed(private_hub, "sign", agreement, "--kill", fault)
    assert _intact(private_hub) == before  # no half signature, the version not in force
    private_hub.json("sign", agreement)
    assert _intact(private_hub)["signatures"] == before["signatures"] + 1  # and in force (invariants)


def test_an_import_killed_after_some_rows_leaves_none_and_importing_again_saves_all(private_hub):
    before = _intact(private_hub)
    # Three of five requests (with speakers, assessments and decisions) saved, the fourth not yet.
    _killed(private_hub, "import", "5", "--kill", "speakers.services.csv_import._save:4")
    assert _intact(private_hub) == before
    assert private_hub.json("import", "5") == {"imported": 5}
    assert _intact(private_hub)["imported_requests"] == before["imported_requests"] + 5


def test_a_master_key_rotation_killed_midway_leaves_every_item_opening_and_finishes_when_run_again(private_hub):
    """The rotation's documented procedure (tenants/management/commands/master_key_rewrap.py, README):
    set the new HUB_MASTER_KEY with the old one in HUB_MASTER_KEY_PREVIOUS, run the command until it
    completes, and only then drop the old key. Each key is re-wrapped in its own transaction, so a
    killed run leaves some keys under the new master key and some under the old, never one broken.
    """
    old, new = private_hub.master_key, new_master_key()
    rotating = {"HUB_MASTER_KEY": new, "HUB_MASTER_KEY_PREVIOUS": old}
    before = _intact(private_hub)
    # Two organisation keys re-wrapped and committed; killed wrapping the third.
    _killed(private_hub, "rotate", "--kill", "core.crypto.wrap_with_master:3", **rotating)

    halfway = private_hub.json("open-all", **rotating)
    assert halfway["failures"] == []  # with both keys configured, everything opens
    assert len(halfway["master_key_ids"]) == 2  # and the rotation is visibly unfinished
    assert private_hub.json("invariants", **rotating)["problems"] == []
    only_new = private_hub.json("open-all", HUB_MASTER_KEY=new, HUB_MASTER_KEY_PREVIOUS="")
    assert only_new["failures"]  # which is why the old key stays until the command has completed

    assert private_hub.run("manage", "master_key_rewrap", **rotating).returncode == 0
    private_hub.master_key, private_hub.previous_keys = new, ""
    done = private_hub.json("open-all")
    assert done["failures"] == [] and len(done["master_key_ids"]) == 1
    assert done["opened"] > 0
    counts = _intact(private_hub)
    assert counts["shared_checks"] == before["shared_checks"]
