"""Loading the master key from the environment.

The master key wraps organisations' private keys and derives the blind-index key, so it
must never live in the database. It comes from ``HUB_MASTER_KEY``; older keys still
needed during a rotation come from ``HUB_MASTER_KEY_PREVIOUS``.

For development and tests only, ``HUB_ALLOW_DEV_MASTER_KEY=1`` lets the hub generate a
key once into ``$HUB_DATA_DIR/dev-master.key`` (default ``./var``) and reuse it. Production
settings set ``HUB_DEV_MASTER_KEY_FORBIDDEN = True``, and under them that variable is refused
and only ``HUB_MASTER_KEY`` is accepted.

Django-free on purpose: a system check elsewhere calls :func:`check_master_key`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import os
import stat
import tempfile
from pathlib import Path

from core.crypto import KEY_BYTES, CryptoError, master_key_id

__all__ = [
    "ALLOW_DEV_ENV",
    "DATA_DIR_ENV",
    "DEV_KEY_FILENAME",
    "GENERATE_COMMAND",
    "MASTER_KEY_ENV",
    "PREVIOUS_KEYS_ENV",
    "MasterKeyError",
    "check_master_key",
    "FORBIDDEN_SETTING",
    "load_master_key",
    "load_previous_master_keys",
    "master_keys_by_id",
    "reset_cache",
]

MASTER_KEY_ENV = "HUB_MASTER_KEY"
PREVIOUS_KEYS_ENV = "HUB_MASTER_KEY_PREVIOUS"
ALLOW_DEV_ENV = "HUB_ALLOW_DEV_MASTER_KEY"
DATA_DIR_ENV = "HUB_DATA_DIR"
DEV_KEY_FILENAME = "dev-master.key"
GENERATE_COMMAND = 'python -c "import secrets,base64;print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"'
_EXPECTED_FORMAT = f"base64 or URL-safe base64 encoding of exactly {KEY_BYTES} bytes"
_TRUTHY = frozenset({"1", "true", "yes", "on"})

logger = logging.getLogger("hub.keys")


class MasterKeyError(CryptoError):
    """The master key is missing or malformed. Messages never include key values."""


def load_master_key() -> bytes:
    """Return the current master key (32 bytes), cached for the process.

    Raises :class:`MasterKeyError` if ``HUB_MASTER_KEY`` is unset (and development
    keys are not allowed) or malformed.
    """
    return _load_master_key_cached()


def load_previous_master_keys() -> list[bytes]:
    """Return the older master keys listed in ``HUB_MASTER_KEY_PREVIOUS``.

    The value is comma-separated, each entry in the same format as ``HUB_MASTER_KEY``;
    keys are returned in the order written.

    Raises :class:`MasterKeyError` if any entry is malformed.
    """
    return list(_load_previous_cached())


def master_keys_by_id() -> dict[str, bytes]:
    """Return the current and previous master keys keyed by :func:`master_key_id`.

    Lets rotation look up a blob's ``wrapped_master_key_id`` to find the key that
    can unwrap it.
    """
    keys = [load_master_key(), *load_previous_master_keys()]
    # Current key first and setdefault: it wins if a key is listed twice.
    by_id: dict[str, bytes] = {}
    for key in keys:
        by_id.setdefault(master_key_id(key), key)
    return by_id


FORBIDDEN_SETTING = "HUB_DEV_MASTER_KEY_FORBIDDEN"


def _development_key_forbidden() -> bool:
    """Whether the Django settings in use forbid a development key (``hub.settings.production`` does).

    Asked lazily and only when Django settings are configured, so this module stays usable
    without Django; a process without Django settings has no production settings to obey.
    """
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is always installed with the hub
        return False
    return bool(settings.configured and getattr(settings, FORBIDDEN_SETTING, False))


def reset_cache() -> None:
    """Forget cached keys so the next load re-reads the environment (for tests)."""
    _load_master_key_cached.cache_clear()
    _load_previous_cached.cache_clear()


def check_master_key() -> list[str]:
    """Return human-readable problems with the master key configuration.

    Empty if fine. Never raises for configuration problems and never includes key
    values, so the result can go straight into a system check message.
    """
    problems: list[str] = []
    try:
        current = load_master_key()
    except MasterKeyError as exc:
        problems.append(str(exc))
        current = None
    try:
        previous = load_previous_master_keys()
    except MasterKeyError as exc:
        problems.append(str(exc))
        previous = []
    if current is not None and current in previous:
        problems.append(f"{PREVIOUS_KEYS_ENV} must not contain the current {MASTER_KEY_ENV}.")
    return problems


# --- internals -----------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _load_master_key_cached() -> bytes:
    value = os.environ.get(MASTER_KEY_ENV, "").strip()
    if value:
        return _parse_key(value, source=MASTER_KEY_ENV)
    dev_asked = os.environ.get(ALLOW_DEV_ENV, "").strip().lower() in _TRUTHY
    if dev_asked and _development_key_forbidden():
        raise MasterKeyError(
            f"{MASTER_KEY_ENV} is not set, and production settings never use a development key "
            f"({ALLOW_DEV_ENV} is ignored here). Set {MASTER_KEY_ENV} to the {_EXPECTED_FORMAT}; "
            f"generate one with: {GENERATE_COMMAND}"
        )
    if dev_asked:
        return _load_or_create_dev_key(_dev_key_path())
    raise MasterKeyError(
        f"{MASTER_KEY_ENV} is not set. Set it to the {_EXPECTED_FORMAT}; generate one "
        f"with: {GENERATE_COMMAND}  (for development only, {ALLOW_DEV_ENV}=1 uses a "
        "generated key file instead)."
    )


@functools.lru_cache(maxsize=1)
def _load_previous_cached() -> tuple[bytes, ...]:
    entries = [e.strip() for e in os.environ.get(PREVIOUS_KEYS_ENV, "").split(",")]
    entries = [e for e in entries if e]
    return tuple(
        _parse_key(entry, source=f"{PREVIOUS_KEYS_ENV} entry {n} of {len(entries)}")
        for n, entry in enumerate(entries, start=1)
    )


def _parse_key(value: str, *, source: str) -> bytes:
    """Decode a base64 (standard or URL-safe, padding optional) 32-byte key.

    ``source`` names where the value came from; the value itself is never echoed,
    not even in a chained exception, because error text ends up in logs.
    """
    normalised = value.strip().replace("-", "+").replace("_", "/")
    normalised += "=" * (-len(normalised) % 4)
    try:
        key = base64.b64decode(normalised, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise MasterKeyError(
            f"{source} is malformed: expected the {_EXPECTED_FORMAT}. Generate one with: {GENERATE_COMMAND}"
        )
    return key


def _dev_key_path() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or "var") / DEV_KEY_FILENAME


def _load_or_create_dev_key(path: Path) -> bytes:
    created = _create_dev_key_file(path)
    key = _parse_key(path.read_text(encoding="ascii"), source=f"development key file {path}")
    logger.warning(
        "USING A DEVELOPMENT MASTER KEY %s %s (id %s). It is for development and tests "
        "only and MUST NOT be used in production: set %s instead.",
        "generated in" if created else "from",
        path,
        master_key_id(key),
        MASTER_KEY_ENV,
    )
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        logger.warning("Development master key file %s is readable by others.", path)
    return key


def _create_dev_key_file(path: Path) -> bool:
    """Create ``path`` with a new random key (mode 0600) unless it exists.

    Returns True if this call created it. Race-safe: the key is written to a temporary
    file and hard-linked into place, so concurrent processes (e.g. test workers) never
    see a half-written file and all end up using the same key.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    text = base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii") + "\n"
    # mkstemp creates the file with mode 0600 before any key byte is written.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".dev-master-")
    tmp_path = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as tmp:
            tmp.write(text)
        path.hardlink_to(tmp_path)  # atomic; fails if another process won the race
    except FileExistsError:
        return False
    finally:
        tmp_path.unlink()
    return True
