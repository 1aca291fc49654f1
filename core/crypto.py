"""Cryptographic primitives for Partnership Hub.

This is the only module in the project that imports ``cryptography``; everything else
goes through the small set of functions below. Keys and blobs are plain ``bytes`` so
callers can store them in binary columns without knowing about key objects.

Blob formats (every blob starts with a one-byte format version, so formats can change
without guessing what an old row holds):

* sealed record       ``01 | nonce(12) | ciphertext+tag``
* key wrapped for org ``01 | ephemeral X25519 public(32) | nonce(12) | ciphertext+tag``
* master-wrapped      ``01 | master key id(8) | nonce(12) | ciphertext+tag``

In each format the header bytes are authenticated together with the caller's associated
data or context, so neither the header nor the binding can be edited independently.

What this protects against, and what it does not, is in DESIGN.md ("Encryption").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import secrets
from collections.abc import Mapping, Sequence
from typing import TypeAlias

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "KEY_BYTES",
    "CryptoError",
    "EnvelopeOpenError",
    "JsonValue",
    "KeyFormatError",
    "Sealer",
    "associated_data",
    "audit_mac",
    "blind_index",
    "canonical_json",
    "constant_time_equals",
    "derive_subkey",
    "generate_exchange_keypair",
    "generate_signing_keypair",
    "hash_token",
    "master_key_id",
    "new_data_key",
    "open_sealed",
    "pseudonym",
    "public_key_fingerprint",
    "random_token",
    "seal",
    "sha256_hex",
    "sign",
    "signing_public_key",
    "unwrap_key",
    "unwrap_with_master",
    "verify",
    "wrap_key",
    "wrap_with_master",
    "wrapped_master_key_id",
]

KEY_BYTES = 32  # AES-256, X25519 and Ed25519 keys are all 32 bytes
NONCE_BYTES = 12  # the 96-bit nonce AES-GCM is designed for
TAG_BYTES = 16
MASTER_KEY_ID_BYTES = 8
MIN_TOKEN_BYTES = 16  # 128 bits: unguessable even with online guessing at scale

FORMAT_V1 = b"\x01"
_SEALED_HEADER = len(FORMAT_V1) + NONCE_BYTES
_WRAPPED_HEADER = len(FORMAT_V1) + KEY_BYTES + NONCE_BYTES
_MASTER_HEADER = len(FORMAT_V1) + MASTER_KEY_ID_BYTES + NONCE_BYTES

# HKDF "info" labels. Distinct labels give domain separation: a key derived for one
# purpose is unrelated to a key derived from the same secret for any other purpose.
_WRAP_KEY_INFO = b"partnership-hub/wrap-key/v1"
_SUBKEY_INFO_PREFIX = b"partnership-hub/subkey/v1/"
_MASTER_WRAP_PURPOSE = "master-wrap"
_MASTER_KEY_ID_LABEL = b"partnership-hub/master-key-id/v1"
_AUDIT_MAC_LABEL = b"partnership-hub/audit-mac/v1\n"

JsonValue: TypeAlias = bool | int | float | str | Sequence["JsonValue"] | Mapping[str, "JsonValue"] | None


class CryptoError(Exception):
    """Base class for every error raised by this module."""


class EnvelopeOpenError(CryptoError):
    """A blob could not be opened.

    It was tampered with, swapped, truncated, opened with the wrong key, or has an
    unknown format. Messages never contain plaintext or key material.
    """


class KeyFormatError(CryptoError):
    """A key has the wrong length or encoding (a caller or configuration bug)."""


# --- helpers -------------------------------------------------------------------------


def _require_key(key: bytes, what: str) -> None:
    if len(key) != KEY_BYTES:
        raise KeyFormatError(f"{what} must be exactly {KEY_BYTES} bytes, got {len(key)}")


def _require_binding(value: bytes, what: str) -> None:
    # An empty binding almost always means a caller forgot to bind the blob to its
    # identity, which would let rows be swapped undetected. Fail loudly instead.
    if not value:
        raise ValueError(f"{what} must not be empty")


def _check_v1(blob: bytes, header_len: int, what: str) -> None:
    """Reject a blob whose version byte is unknown or that is too short to parse."""
    if not blob:
        raise EnvelopeOpenError(f"{what} is empty")
    if blob[:1] != FORMAT_V1:
        raise EnvelopeOpenError(f"{what} has unknown format version {blob[0]}")
    if len(blob) < header_len + TAG_BYTES:
        raise EnvelopeOpenError(f"{what} is truncated ({len(blob)} bytes)")


def _gcm_decrypt(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes, what: str) -> bytes:
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        # `from None`: the underlying exception adds nothing and must not carry data.
        raise EnvelopeOpenError(
            f"{what} failed authentication: it was tampered with, belongs to a different record, or the key is wrong"
        ) from None


def _hkdf(secret: bytes, *, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(secret)


# --- record envelopes ----------------------------------------------------------------


def new_data_key() -> bytes:
    """Return a fresh random 32-byte AES-256 data key (one per record)."""
    return os.urandom(KEY_BYTES)


def seal(data_key: bytes, plaintext: bytes, *, associated_data: bytes) -> bytes:
    """Encrypt ``plaintext`` with AES-256-GCM under ``data_key``.

    Callers must pass ``associated_data`` that names the record's identity (build it
    with :func:`associated_data`) and pass the very same bytes to :func:`open_sealed`.
    A fresh random nonce is drawn per call; with random 96-bit nonces one key must not
    seal more than ~2**32 messages, far beyond one key per record.
    """
    _require_key(data_key, "data key")
    _require_binding(associated_data, "associated_data")
    nonce = os.urandom(NONCE_BYTES)
    header = FORMAT_V1 + nonce
    return header + AESGCM(data_key).encrypt(nonce, plaintext, FORMAT_V1 + associated_data)


class Sealer:
    """:func:`seal` for many blobs under one key (bulk paths): byte-for-byte the same format.

    Keeps one AES-GCM context for ``data_key`` and draws nonces from the OS generator in
    blocks of ``nonce_block`` instead of one system call per blob; each nonce is still 96
    fresh random bits used once. Every blob opens with :func:`open_sealed`. Raises as
    :func:`seal` does (KeyFormatError for a bad key, ValueError for empty associated data).
    """

    __slots__ = ("_aead", "_block", "_nonces", "_used")

    def __init__(self, data_key: bytes, *, nonce_block: int = 256) -> None:
        _require_key(data_key, "data key")
        self._aead = AESGCM(data_key)
        self._block = max(1, nonce_block) * NONCE_BYTES
        self._nonces = b""
        self._used = 0

    def seal(self, plaintext: bytes, *, associated_data: bytes) -> bytes:
        """The sealed blob ``01 | nonce(12) | ciphertext+tag`` of ``plaintext``, bound to ``associated_data``."""
        _require_binding(associated_data, "associated_data")
        if self._used >= len(self._nonces):
            self._nonces, self._used = os.urandom(self._block), 0
        nonce = self._nonces[self._used : self._used + NONCE_BYTES]
        self._used += NONCE_BYTES
        return FORMAT_V1 + nonce + self._aead.encrypt(nonce, plaintext, FORMAT_V1 + associated_data)


def open_sealed(data_key: bytes, sealed: bytes, *, associated_data: bytes) -> bytes:
    """Decrypt a blob from :func:`seal`.

    Raises :class:`EnvelopeOpenError` if the blob was altered, truncated, has an
    unknown version, or ``data_key``/``associated_data`` differ from those used to seal.
    """
    _require_key(data_key, "data key")
    _require_binding(associated_data, "associated_data")
    _check_v1(sealed, _SEALED_HEADER, "sealed envelope")
    nonce = sealed[len(FORMAT_V1) : _SEALED_HEADER]
    return _gcm_decrypt(
        data_key,
        nonce,
        sealed[_SEALED_HEADER:],
        FORMAT_V1 + associated_data,
        "sealed envelope",
    )


def associated_data(**fields: str | int) -> bytes:
    """Encode identity fields canonically, e.g.
    ``associated_data(record_id=..., source_org=..., kind=..., version=3)``.

    Keys are sorted and values keep their type (``7`` and ``"7"`` encode differently),
    so the result is unambiguous: any changed, missing or extra field gives different
    bytes and the envelope fails to open.
    """
    if not fields:
        raise ValueError("associated_data needs at least one identity field")
    for name, value in fields.items():
        # bool is an int subclass; True would silently stand in for 1.
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise TypeError(f"associated_data field {name!r} must be str or int")
    # The values are checked flat scalars, so this is canonical_json without its recursive
    # walk (associated data is built for every key wrap on the bulk path).
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- organisation key pairs: wrapping data keys for a recipient -----------------------


def generate_exchange_keypair() -> tuple[bytes, bytes]:
    """Return a new X25519 key pair as ``(private_raw, public_raw)``, 32 bytes each."""
    private = X25519PrivateKey.generate()
    return _x25519_private_raw(private), _x25519_public_raw(private.public_key())


def _x25519_private_raw(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def _x25519_public_raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _wrapping_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    # Salting with both public keys ties the derived key to this exact exchange.
    return _hkdf(shared, salt=ephemeral_public + recipient_public, info=_WRAP_KEY_INFO)


def wrap_key(recipient_public: bytes, key: bytes, *, context: bytes) -> bytes:
    """Encrypt ``key`` so only the holder of ``recipient_public``'s private key can
    read it (ephemeral X25519 + HKDF-SHA256 + AES-256-GCM).

    Callers must pass a ``context`` naming what the key is for and whom it is for
    (e.g. record id and recipient org) and pass the same bytes to :func:`unwrap_key`.
    """
    _require_key(recipient_public, "recipient public key")
    _require_binding(context, "context")
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _x25519_public_raw(ephemeral.public_key())
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    except ValueError:
        # Low-order public keys give an all-zero shared secret; refuse them.
        raise KeyFormatError("recipient public key is not a usable X25519 key") from None
    nonce = os.urandom(NONCE_BYTES)
    header = FORMAT_V1 + ephemeral_public + nonce
    wrapping = _wrapping_key(shared, ephemeral_public, recipient_public)
    return header + AESGCM(wrapping).encrypt(nonce, key, header + context)


def unwrap_key(recipient_private: bytes, wrapped: bytes, *, context: bytes) -> bytes:
    """Recover a key wrapped by :func:`wrap_key`.

    Raises :class:`EnvelopeOpenError` if the blob was altered, was wrapped for a
    different recipient, or ``context`` differs from the one used to wrap.
    """
    _require_key(recipient_private, "recipient private key")
    _require_binding(context, "context")
    _check_v1(wrapped, _WRAPPED_HEADER, "wrapped key")
    header = wrapped[:_WRAPPED_HEADER]
    ephemeral_public = header[len(FORMAT_V1) : len(FORMAT_V1) + KEY_BYTES]
    nonce = header[len(FORMAT_V1) + KEY_BYTES :]
    private = X25519PrivateKey.from_private_bytes(recipient_private)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError:
        raise EnvelopeOpenError("wrapped key has an invalid ephemeral key") from None
    recipient_public = _x25519_public_raw(private.public_key())
    wrapping = _wrapping_key(shared, ephemeral_public, recipient_public)
    return _gcm_decrypt(wrapping, nonce, wrapped[_WRAPPED_HEADER:], header + context, "wrapped key")


# --- signatures ----------------------------------------------------------------------

_ED25519_P = 2**255 - 19
# y-coordinates of Ed25519's small-order points (orders 1, 2, 4 and 8), plus the
# non-canonical encodings p and p+1. Signatures "by" such a public key can be forged
# without any private key, so verify() rejects them (as libsodium does).
_ED25519_Y8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022
_ED25519_SMALL_ORDER_Y = frozenset(
    {
        0,
        1,
        _ED25519_P - 1,
        _ED25519_Y8,
        _ED25519_P - _ED25519_Y8,
        _ED25519_P,
        _ED25519_P + 1,
    }
)


def generate_signing_keypair() -> tuple[bytes, bytes]:
    """Return a new Ed25519 key pair as ``(private_raw, public_raw)``, 32 bytes each."""
    private = Ed25519PrivateKey.generate()
    private_raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    public_raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return private_raw, public_raw


def signing_public_key(private: bytes) -> bytes:
    """Return the raw 32-byte Ed25519 public key of a raw 32-byte private key (any 32 random bytes are one)."""
    _require_key(private, "signing private key")
    return (
        Ed25519PrivateKey.from_private_bytes(private)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def sign(private: bytes, message: bytes) -> bytes:
    """Sign ``message`` with an Ed25519 raw private key; returns a 64-byte signature.

    To sign a structured document, sign ``canonical_json(document)``.
    """
    _require_key(private, "signing private key")
    return Ed25519PrivateKey.from_private_bytes(private).sign(message)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """Return True only if ``signature`` is a valid Ed25519 signature of ``message``
    by ``public``. Never raises for bad signatures or malformed keys: returns False.
    """
    if len(public) != KEY_BYTES or _is_small_order_ed25519(public):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _is_small_order_ed25519(public: bytes) -> bool:
    y = int.from_bytes(public, "little") & ((1 << 255) - 1)  # drop the sign bit of x
    return y in _ED25519_SMALL_ORDER_Y


def public_key_fingerprint(public: bytes) -> str:
    """Return a short, stable identifier for a raw 32-byte public key (X25519 or
    Ed25519): the first 128 bits of SHA-256 of the raw key, as 32 lowercase hex chars.

    Plain SHA-256 of the raw bytes so anyone can recompute it with standard tools;
    128 bits leaves no realistic chance of two keys sharing a fingerprint.
    """
    _require_key(public, "public key")
    return hashlib.sha256(public).hexdigest()[:32]


# --- master-key wrapping of secrets at rest ------------------------------------------


def master_key_id(master_key: bytes) -> str:
    """Return the non-secret id of a master key, safe to log and store.

    16 hex chars: the first 8 bytes of HMAC-SHA256(master_key, fixed label).
    """
    _require_key(master_key, "master key")
    return _master_key_id_bytes(master_key).hex()


def _master_key_id_bytes(master_key: bytes) -> bytes:
    digest = hmac.new(master_key, _MASTER_KEY_ID_LABEL, hashlib.sha256).digest()
    return digest[:MASTER_KEY_ID_BYTES]


def wrap_with_master(master_key: bytes, secret: bytes, *, context: bytes) -> bytes:
    """Encrypt ``secret`` (e.g. an organisation's private key) under the master key.

    Callers must pass a ``context`` naming the owner and purpose (e.g. org id and
    "exchange-private-key") and the same bytes to :func:`unwrap_with_master`. The
    blob records the master key's id so rotation can find blobs under an old key.
    """
    _require_key(master_key, "master key")
    _require_binding(context, "context")
    nonce = os.urandom(NONCE_BYTES)
    header = FORMAT_V1 + _master_key_id_bytes(master_key) + nonce
    # Encrypt under a derived key, not the master key itself, so the master key is
    # never used directly by two different algorithms (it also keys the id HMAC).
    wrapping = derive_subkey(master_key, _MASTER_WRAP_PURPOSE)
    return header + AESGCM(wrapping).encrypt(nonce, secret, header + context)


def wrapped_master_key_id(wrapped: bytes) -> str:
    """Return the id (see :func:`master_key_id`) of the master key that wrapped a blob.

    Raises :class:`EnvelopeOpenError` if the blob is not well-formed.
    """
    _check_v1(wrapped, _MASTER_HEADER, "master-wrapped secret")
    return wrapped[len(FORMAT_V1) : len(FORMAT_V1) + MASTER_KEY_ID_BYTES].hex()


def unwrap_with_master(master_key: bytes, wrapped: bytes, *, context: bytes) -> bytes:
    """Recover a secret wrapped by :func:`wrap_with_master`.

    Raises :class:`EnvelopeOpenError` if the blob was altered, ``context`` differs, or
    it was wrapped by another master key (the message then names both key ids).
    """
    _require_key(master_key, "master key")
    _require_binding(context, "context")
    blob_key_id = wrapped_master_key_id(wrapped)
    if blob_key_id != master_key_id(master_key):
        raise EnvelopeOpenError(
            f"master-wrapped secret was wrapped by master key {blob_key_id}, "
            f"not by the given master key {master_key_id(master_key)}"
        )
    header = wrapped[:_MASTER_HEADER]
    nonce = header[len(FORMAT_V1) + MASTER_KEY_ID_BYTES :]
    wrapping = derive_subkey(master_key, _MASTER_WRAP_PURPOSE)
    return _gcm_decrypt(
        wrapping,
        nonce,
        wrapped[_MASTER_HEADER:],
        header + context,
        "master-wrapped secret",
    )


# --- key derivation and blind indexes ------------------------------------------------


def derive_subkey(master_key: bytes, purpose: str) -> bytes:
    """Derive a 32-byte key for ``purpose`` (e.g. ``"blind-index"``) from the master
    key with HKDF-SHA256. Different purposes give unrelated keys; the same purpose
    always gives the same key, so ``purpose`` strings must never be reused or renamed.
    """
    _require_key(master_key, "master key")
    if not purpose:
        raise ValueError("purpose must not be empty")
    return _hkdf(master_key, salt=None, info=_SUBKEY_INFO_PREFIX + purpose.encode("utf-8"))


def blind_index(index_key: bytes, normalised: str) -> str:
    """Return the blind index of ``normalised``: HMAC-SHA256 under ``index_key``, as
    64 lowercase hex chars (not truncated, so distinct names never collide).

    Callers must normalise first (same casefolding, Unicode form and whitespace for
    stored values and for queries); this function hashes exactly what it is given.
    """
    _require_key(index_key, "blind index key")
    return hmac.new(index_key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def audit_mac(audit_key: bytes, message: bytes) -> str:
    """Return HMAC-SHA256 of ``message`` under the platform audit key, as 64 lowercase hex chars.

    Seals each audit event's public hash (and each chain head) so recomputing the chain
    needs the audit key, which the database holds only wrapped by the master key.
    """
    _require_key(audit_key, "audit key")
    return hmac.new(audit_key, _AUDIT_MAC_LABEL + message, hashlib.sha256).hexdigest()


# Crockford's base32 without I, L, O, U: nothing to misread when a pseudonym is read aloud.
_PSEUDONYM_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PSEUDONYM_CHARS = 8  # 40 bits: unique in practice among one recipient's records of one source


def pseudonym(key: bytes, identity: bytes, *, prefix: str = "CASE") -> str:
    """A short, stable pseudonym for ``identity`` under ``key``: ``"CASE-7K2Q-9XDM"``.

    HMAC-SHA256 of ``identity`` (build it with :func:`associated_data`, naming the reader, so
    each reader gets its own) under ``key``, read as 8 base32 characters. Without ``key`` two
    pseudonyms cannot be linked to each other or to the identity.
    """
    _require_key(key, "pseudonym key")
    digest = int.from_bytes(hmac.new(key, identity, hashlib.sha256).digest()[:5], "big")
    chars = "".join(_PSEUDONYM_ALPHABET[(digest >> (5 * i)) & 31] for i in reversed(range(PSEUDONYM_CHARS)))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


# --- hashing, canonical encoding, tokens ---------------------------------------------


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of ``data`` as 64 lowercase hex chars."""
    return hashlib.sha256(data).hexdigest()


def canonical_json(obj: JsonValue) -> bytes:
    """Encode ``obj`` as canonical JSON for hashing and signing: sorted keys, no
    whitespace, UTF-8 (non-ASCII kept as-is). Equal documents give equal bytes.

    Raises ValueError for NaN/infinity; TypeError for non-string object keys (``{1: x}``
    and ``{"1": x}`` would otherwise encode identically) and for non-JSON types.
    """
    _check_json_keys(obj)
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


def _check_json_keys(obj: object) -> None:
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            if not isinstance(key, str):
                raise TypeError(f"canonical_json object keys must be str, got {type(key).__name__}")
            _check_json_keys(value)
    elif isinstance(obj, list | tuple):
        for item in obj:
            _check_json_keys(item)
    elif isinstance(obj, float) and not math.isfinite(obj):
        raise ValueError("canonical_json cannot encode NaN or infinity")


def constant_time_equals(a: bytes, b: bytes) -> bool:
    """Compare two byte strings in time independent of where they differ."""
    return hmac.compare_digest(a, b)


def random_token(nbytes: int = 32) -> str:
    """Return a URL-safe random token carrying ``nbytes`` random bytes."""
    if nbytes < MIN_TOKEN_BYTES:
        raise ValueError("tokens need at least 16 random bytes")
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex of a token, for storing API tokens without the token.

    Tokens from :func:`random_token` are high-entropy, so a fast unsalted hash is
    enough; never use this for passwords.
    """
    return sha256_hex(token.encode("utf-8"))
