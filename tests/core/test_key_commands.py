"""Which manage.py commands check the master key first: all the project's, but a short keyless list (review1)."""

from __future__ import annotations

from pathlib import Path

from hub import startup
from hub.startup import KEY_COMMANDS, KEYLESS_COMMANDS, SERVING_COMMANDS, project_commands


def test_every_project_command_but_the_keyless_ones_checks_the_key():
    # review1: exchange_reindex unwraps the blind-index secret but was missing from a hand-kept list
    commands = project_commands()

    assert "exchange_reindex" in KEY_COMMANDS
    assert commands - KEY_COMMANDS == set(KEYLESS_COMMANDS)
    assert SERVING_COMMANDS <= KEY_COMMANDS
    assert set(KEYLESS_COMMANDS) <= commands  # the allow-list names only commands that exist


def test_a_new_command_is_checked_unless_someone_lists_it_as_keyless(tmp_path: Path):
    # given: an app with a new command, a helper module, and a keyless command
    commands = tmp_path / "newapp" / "management" / "commands"
    commands.mkdir(parents=True)
    for name in ("__init__", "_common", "exchange_new_thing", "agreement_verify"):
        (commands / f"{name}.py").write_text("")

    found = project_commands(tmp_path)

    assert found == {"exchange_new_thing", "agreement_verify"}
    assert found - set(KEYLESS_COMMANDS) == {"exchange_new_thing"}


def test_manage_py_checks_a_command_found_on_disk(monkeypatch):
    checked = []
    monkeypatch.setattr(startup, "require_master_key", lambda: checked.append(True))
    monkeypatch.setattr("django.setup", lambda: None)

    startup.require_master_key_for_command(["manage.py", "exchange_reindex"])
    startup.require_master_key_for_command(["manage.py", "agreement_verify"])

    assert checked == [True]
