"""Start-up guards for the processes that serve or change data: the ASGI app and key-needing commands.

* No process guesses its settings: `hub/asgi.py` and `manage.py` refuse to start without
  ``DJANGO_SETTINGS_MODULE`` (``python3 dev.py`` sets ``hub.settings.dev``; deployments set
  ``hub.settings.production``), so a server can never fall back to development settings.
* No process serves with the wrong master key: `require_master_key` refuses one that is
  missing, malformed, or does not open this database's key-check value
  (`core.keyring.master_key_verify`), naming ``HUB_MASTER_KEY``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

SETTINGS_ENV = "DJANGO_SETTINGS_MODULE"

ROOT = Path(__file__).resolve().parent.parent

# Commands that serve requests (which use the key) though no project app defines them.
SERVING_COMMANDS = frozenset({"runserver", "runworker"})

# The project's own commands that reach no master key, and why. Every OTHER command defined
# in a project app is checked (`KEY_COMMANDS`), so a new command is checked unless someone
# adds it here on purpose: forgetting fails closed (review1: `exchange_reindex` was missed).
KEYLESS_COMMANDS: dict[str, str] = {
    "agreement_verify": "checks an exported agreement against the public keys it carries",
    "hub_backup": "runs pg_dump; a dump holds wrapped keys only, so backing up never needs the master key",
    "hub_restore": "runs pg_restore into an empty database (which no key check could open yet)",
}


def project_commands(root: Path = ROOT) -> frozenset[str]:
    """Names of the management commands defined in the project's own apps (`<app>/management/commands/*.py`).

    Read from the file system, without Django, so `manage.py` can decide before set-up.
    Modules whose name starts with `_` (shared helpers) are not commands.
    """
    return frozenset(
        path.stem
        for path in root.glob("*/management/commands/*.py")
        if not path.stem.startswith("_") and ".venv" not in path.parts
    )


# Management commands that unwrap, wrap or derive from the master key (or serve requests that do):
# every project command but the keyless ones, and the serving commands.
KEY_COMMANDS = SERVING_COMMANDS | (project_commands() - KEYLESS_COMMANDS.keys())


def settings_module_or_exit(entry: str, argv: list[str] | None = None) -> None:
    """Exit with status 2 and a message when no settings module is chosen (never default to dev)."""
    if os.environ.get(SETTINGS_ENV) or any(arg.startswith("--settings") for arg in argv or []):
        return
    sys.stderr.write(
        f"{entry}: {SETTINGS_ENV} is not set. Set it to hub.settings.production for a deployment, "
        "or run `python3 dev.py serve` / `python3 dev.py test`, which choose the development and "
        "test settings for you.\n"
    )
    raise SystemExit(2)


def require_master_key() -> None:
    """Raise ImproperlyConfigured (naming HUB_MASTER_KEY) unless the master key fits this database.

    Checks every master key id the organisations' wrapped private keys record and the
    key-check value, writing the latter on first use. Needs Django set up and a migrated
    database; leaves no connection open.
    """
    from django.db import connections
    from django_tenants.utils import schema_context

    from core.keyring import master_key_verify
    from core.keys import MasterKeyError
    from tenants.models import OrganisationKey

    try:
        with schema_context("public"):
            ids = set(OrganisationKey.objects.values_list("master_key_id", flat=True).distinct())
            master_key_verify(also_wrapped_by=ids)
    except MasterKeyError as exc:
        raise ImproperlyConfigured(f"Refusing to start: {exc}") from None
    finally:
        connections.close_all()


def require_master_key_for_command(argv: list[str]) -> None:
    """For `manage.py`: check the key before a command in KEY_COMMANDS runs; exit 1 with the reason otherwise."""
    if len(argv) < 2 or argv[1] not in KEY_COMMANDS:
        return
    import django

    django.setup()
    try:
        require_master_key()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"{argv[1]}: {exc}\n")
        raise SystemExit(1) from None
