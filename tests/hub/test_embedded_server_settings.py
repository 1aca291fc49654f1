"""The embedded PostgreSQL gets the hub's server settings once, before it first starts."""

from pathlib import Path

from hub.embedded_db import SERVER_SETTINGS, _configure


def test_the_settings_are_appended_once_and_what_initdb_wrote_is_kept(tmp_path: Path) -> None:
    conf = tmp_path / "postgresql.conf"
    conf.write_text("# written by initdb\nmax_connections = 100\n")

    _configure(tmp_path)
    _configure(tmp_path)

    text = conf.read_text()
    assert text.startswith("# written by initdb\nmax_connections = 100\n")
    assert text.count("max_locks_per_transaction = 256") == 1
    assert SERVER_SETTINGS["max_locks_per_transaction"] == "256"
