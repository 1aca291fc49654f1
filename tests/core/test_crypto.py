import hashlib
import hmac
import json
import math
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import crypto
from core.crypto import EnvelopeOpenError, KeyFormatError

# No example database: these tests must not write files into the working tree, and
# the properties are cheap enough to explore afresh on every run.
quick = settings(database=None, deadline=None, max_examples=60)

PLAINTEXT = b"Assessment of Jane Example: SECRET-PLAINTEXT-MARKER"
IDENTITY = {
    "record_id": "rec-42",
    "source_org": "org-a",
    "kind": "assessment",
    "version": 3,
}


def _aad(**overrides: str | int) -> bytes:
    return crypto.associated_data(**{**IDENTITY, **overrides})


def _flip(blob: bytes, position: int, mask: int = 0x01) -> bytes:
    return blob[:position] + bytes([blob[position] ^ mask]) + blob[position + 1 :]


def _assert_leaks_nothing(exc: BaseException, *secrets: bytes) -> None:
    text = f"{exc} {exc!r}"
    for secret in secrets:
        assert secret.decode("latin-1") not in text
        assert secret.hex() not in text


# --- record envelopes ----------------------------------------------------------------


def test_new_data_keys_are_32_random_bytes():
    keys = {crypto.new_data_key() for _ in range(20)}

    assert len(keys) == 20
    assert all(len(key) == 32 for key in keys)


@quick
@given(
    plaintext=st.binary(max_size=2048),
    record_id=st.text(min_size=1),
    version=st.integers(),
)
def test_sealed_data_opens_to_the_same_plaintext(plaintext, record_id, version):
    key = crypto.new_data_key()
    aad = crypto.associated_data(record_id=record_id, version=version)

    sealed = crypto.seal(key, plaintext, associated_data=aad)

    assert crypto.open_sealed(key, sealed, associated_data=aad) == plaintext


def test_sealed_blob_starts_with_version_1_and_hides_the_plaintext():
    sealed = crypto.seal(crypto.new_data_key(), PLAINTEXT, associated_data=_aad())

    assert sealed[0] == 1
    assert len(sealed) == 1 + 12 + len(PLAINTEXT) + 16
    assert PLAINTEXT not in sealed


def test_sealing_the_same_plaintext_twice_gives_different_blobs():
    key = crypto.new_data_key()

    first = crypto.seal(key, PLAINTEXT, associated_data=_aad())
    second = crypto.seal(key, PLAINTEXT, associated_data=_aad())

    assert first[1:13] != second[1:13]  # fresh nonce
    assert first != second


def test_flipping_any_byte_of_a_sealed_blob_makes_it_fail_to_open():
    key = crypto.new_data_key()
    sealed = crypto.seal(key, PLAINTEXT, associated_data=_aad())

    for position in range(len(sealed)):
        with pytest.raises(EnvelopeOpenError):
            crypto.open_sealed(key, _flip(sealed, position), associated_data=_aad())


@quick
@given(plaintext=st.binary(max_size=256), data=st.data())
def test_any_single_byte_change_to_a_sealed_blob_fails_to_open(plaintext, data):
    key = crypto.new_data_key()
    sealed = crypto.seal(key, plaintext, associated_data=_aad())
    position = data.draw(st.integers(0, len(sealed) - 1))
    mask = data.draw(st.integers(1, 255))

    with pytest.raises(EnvelopeOpenError):
        crypto.open_sealed(key, _flip(sealed, position, mask), associated_data=_aad())


@pytest.mark.parametrize(
    "swapped",
    [
        {"record_id": "rec-43"},
        {"source_org": "org-b"},
        {"kind": "referral"},
        {"version": 4},
        {"version": "3"},  # same digits, different type
    ],
)
def test_a_sealed_blob_does_not_open_under_another_records_identity(swapped):
    key = crypto.new_data_key()
    sealed = crypto.seal(key, PLAINTEXT, associated_data=_aad())

    with pytest.raises(EnvelopeOpenError) as excinfo:
        crypto.open_sealed(key, sealed, associated_data=_aad(**swapped))

    assert "failed authentication" in str(excinfo.value)


def test_a_sealed_blob_does_not_open_with_an_extra_identity_field():
    key = crypto.new_data_key()
    sealed = crypto.seal(key, PLAINTEXT, associated_data=_aad())

    with pytest.raises(EnvelopeOpenError):
        crypto.open_sealed(key, sealed, associated_data=_aad(purpose="audit"))


def test_a_sealed_blob_does_not_open_with_another_data_key():
    sealed = crypto.seal(crypto.new_data_key(), PLAINTEXT, associated_data=_aad())

    with pytest.raises(EnvelopeOpenError):
        crypto.open_sealed(crypto.new_data_key(), sealed, associated_data=_aad())


def test_every_truncation_of_a_sealed_blob_fails_to_open():
    key = crypto.new_data_key()
    sealed = crypto.seal(key, PLAINTEXT, associated_data=_aad())

    for length in range(len(sealed)):
        with pytest.raises(EnvelopeOpenError):
            crypto.open_sealed(key, sealed[:length], associated_data=_aad())


def test_a_sealed_blob_with_an_appended_byte_fails_to_open():
    key = crypto.new_data_key()
    sealed = crypto.seal(key, PLAINTEXT, associated_data=_aad())

    with pytest.raises(EnvelopeOpenError):
        crypto.open_sealed(key, sealed + b"\x00", associated_data=_aad())


@pytest.mark.parametrize("version", [0, 2, 255])
def test_a_sealed_blob_with_an_unknown_version_byte_fails_and_says_so(version):
    key = crypto.new_data_key()
    sealed = crypto.seal(key, PLAINTEXT, associated_data=_aad())

    with pytest.raises(EnvelopeOpenError, match=f"unknown format version {version}"):
        crypto.open_sealed(key, bytes([version]) + sealed[1:], associated_data=_aad())


def test_open_errors_never_contain_the_plaintext_or_the_key():
    key = crypto.new_data_key()
    sealed = crypto.seal(key, PLAINTEXT, associated_data=_aad())
    attempts = [
        (key, sealed, _aad(kind="other")),
        (key, _flip(sealed, 20), _aad()),
        (key, sealed[:20], _aad()),
        (key, b"\x09" + sealed[1:], _aad()),
        (crypto.new_data_key(), sealed, _aad()),
    ]

    for data_key, blob, aad in attempts:
        with pytest.raises(EnvelopeOpenError) as excinfo:
            crypto.open_sealed(data_key, blob, associated_data=aad)
        _assert_leaks_nothing(excinfo.value, PLAINTEXT, key, data_key)


def test_seal_rejects_a_data_key_of_the_wrong_length():
    with pytest.raises(KeyFormatError, match="32 bytes"):
        crypto.seal(b"k" * 16, PLAINTEXT, associated_data=_aad())


def test_seal_and_open_refuse_empty_associated_data():
    key = crypto.new_data_key()

    with pytest.raises(ValueError, match="associated_data"):
        crypto.seal(key, PLAINTEXT, associated_data=b"")
    with pytest.raises(ValueError, match="associated_data"):
        crypto.open_sealed(key, crypto.seal(key, b"x", associated_data=b"a"), associated_data=b"")


def test_envelope_and_key_errors_are_crypto_errors():
    assert issubclass(EnvelopeOpenError, crypto.CryptoError)
    assert issubclass(KeyFormatError, crypto.CryptoError)


# --- associated data -----------------------------------------------------------------


def test_associated_data_does_not_depend_on_argument_order():
    assert crypto.associated_data(b="2", a=1) == crypto.associated_data(a=1, b="2")


def test_associated_data_cannot_be_forged_by_moving_separators_between_fields():
    assert crypto.associated_data(a="x,b=y") != crypto.associated_data(a="x", b="y")
    assert crypto.associated_data(a="x", b="y") != crypto.associated_data(a="xb", b="")
    assert crypto.associated_data(a='x","b":"y') != crypto.associated_data(a="x", b="y")


@quick
@given(
    first=st.dictionaries(st.sampled_from("abcd"), st.one_of(st.text(), st.integers()), min_size=1),
    second=st.dictionaries(st.sampled_from("abcd"), st.one_of(st.text(), st.integers()), min_size=1),
)
def test_associated_data_is_equal_only_for_equal_fields(first, second):
    same_bytes = crypto.associated_data(**first) == crypto.associated_data(**second)

    assert same_bytes == (first == second and _types(first) == _types(second))


def _types(fields):
    return {name: type(value) for name, value in fields.items()}


@pytest.mark.parametrize("bad", [True, 1.5, None, b"bytes"])
def test_associated_data_rejects_values_that_are_not_str_or_int(bad):
    with pytest.raises(TypeError, match="record_id"):
        crypto.associated_data(record_id=bad)


def test_associated_data_needs_at_least_one_field():
    with pytest.raises(ValueError, match="at least one"):
        crypto.associated_data()


# --- wrapping data keys for organisations --------------------------------------------


def test_exchange_keypairs_are_32_byte_raw_keys_and_distinct():
    private, public = crypto.generate_exchange_keypair()
    other_private, other_public = crypto.generate_exchange_keypair()

    assert len(private) == len(public) == 32
    assert private != other_private
    assert public != other_public


@quick
@given(key=st.binary(min_size=1, max_size=64), context=st.binary(min_size=1, max_size=64))
def test_a_wrapped_key_unwraps_with_the_recipients_private_key(key, context):
    private, public = crypto.generate_exchange_keypair()

    wrapped = crypto.wrap_key(public, key, context=context)

    assert crypto.unwrap_key(private, wrapped, context=context) == key


def test_wrapping_the_same_key_twice_uses_fresh_ephemeral_keys():
    _, public = crypto.generate_exchange_keypair()
    data_key = crypto.new_data_key()

    first = crypto.wrap_key(public, data_key, context=b"rec-42/org-b")
    second = crypto.wrap_key(public, data_key, context=b"rec-42/org-b")

    assert first[0] == second[0] == 1
    assert first[1:33] != second[1:33]
    assert data_key not in first


def test_a_key_wrapped_for_one_organisation_does_not_unwrap_for_another():
    _, public_b = crypto.generate_exchange_keypair()
    private_c, _ = crypto.generate_exchange_keypair()
    data_key = crypto.new_data_key()
    wrapped = crypto.wrap_key(public_b, data_key, context=b"rec-42/org-b")

    with pytest.raises(EnvelopeOpenError) as excinfo:
        crypto.unwrap_key(private_c, wrapped, context=b"rec-42/org-b")

    _assert_leaks_nothing(excinfo.value, data_key, private_c)


def test_a_wrapped_key_does_not_unwrap_under_another_context():
    private, public = crypto.generate_exchange_keypair()
    wrapped = crypto.wrap_key(public, crypto.new_data_key(), context=b"rec-42/org-b")

    with pytest.raises(EnvelopeOpenError):
        crypto.unwrap_key(private, wrapped, context=b"rec-43/org-b")


def test_flipping_any_byte_of_a_wrapped_key_makes_it_fail_to_unwrap():
    private, public = crypto.generate_exchange_keypair()
    wrapped = crypto.wrap_key(public, crypto.new_data_key(), context=b"ctx")

    for position in range(len(wrapped)):
        with pytest.raises(EnvelopeOpenError):
            crypto.unwrap_key(private, _flip(wrapped, position), context=b"ctx")


def test_truncated_or_unknown_version_wrapped_keys_fail_to_unwrap():
    private, public = crypto.generate_exchange_keypair()
    wrapped = crypto.wrap_key(public, crypto.new_data_key(), context=b"ctx")

    for length in range(len(wrapped)):
        with pytest.raises(EnvelopeOpenError):
            crypto.unwrap_key(private, wrapped[:length], context=b"ctx")
    with pytest.raises(EnvelopeOpenError, match="unknown format version 2"):
        crypto.unwrap_key(private, b"\x02" + wrapped[1:], context=b"ctx")


def test_wrapping_for_a_low_order_public_key_is_refused():
    # The all-zero point would give an all-zero shared secret known to everyone.
    with pytest.raises(KeyFormatError):
        crypto.wrap_key(bytes(32), crypto.new_data_key(), context=b"ctx")


def test_wrap_key_rejects_malformed_recipient_keys_and_empty_context():
    _, public = crypto.generate_exchange_keypair()

    with pytest.raises(KeyFormatError):
        crypto.wrap_key(public[:31], b"k" * 32, context=b"ctx")
    with pytest.raises(ValueError, match="context"):
        crypto.wrap_key(public, b"k" * 32, context=b"")


# --- signatures ----------------------------------------------------------------------


def test_a_signature_verifies_with_the_signers_public_key():
    private, public = crypto.generate_signing_keypair()

    signature = crypto.sign(private, b"agreement v1")

    assert len(private) == len(public) == 32
    assert len(signature) == 64
    assert crypto.verify(public, b"agreement v1", signature) is True


@quick
@given(message=st.binary(max_size=512), data=st.data())
def test_a_signature_does_not_verify_for_a_changed_message(message, data):
    private, public = crypto.generate_signing_keypair()
    signature = crypto.sign(private, message)
    other = data.draw(st.binary(max_size=512).filter(lambda m: m != message))

    assert crypto.verify(public, message, signature) is True
    assert crypto.verify(public, other, signature) is False


def test_flipping_any_byte_of_a_signature_makes_it_fail_to_verify():
    private, public = crypto.generate_signing_keypair()
    signature = crypto.sign(private, b"agreement v1")

    for position in range(len(signature)):
        assert crypto.verify(public, b"agreement v1", _flip(signature, position)) is False


def test_a_signature_does_not_verify_with_another_public_key():
    private, _ = crypto.generate_signing_keypair()
    _, other_public = crypto.generate_signing_keypair()

    assert crypto.verify(other_public, b"m", crypto.sign(private, b"m")) is False


@pytest.mark.parametrize("public", [b"", b"\x01" * 31, b"\x01" * 33, b"\xff" * 32])
def test_verify_returns_false_for_malformed_public_keys_instead_of_raising(public):
    private, _ = crypto.generate_signing_keypair()

    assert crypto.verify(public, b"m", crypto.sign(private, b"m")) is False


@pytest.mark.parametrize("signature", [b"", b"\x00" * 63, b"\x00" * 64, b"\x00" * 65])
def test_verify_returns_false_for_malformed_signatures_instead_of_raising(signature):
    _, public = crypto.generate_signing_keypair()

    assert crypto.verify(public, b"m", signature) is False


def test_verify_returns_false_for_a_valid_signature_with_trailing_bytes():
    private, public = crypto.generate_signing_keypair()

    assert crypto.verify(public, b"m", crypto.sign(private, b"m") + b"\x00") is False


def test_verify_rejects_small_order_public_keys_that_would_accept_forged_signatures():
    # With the all-zero (small-order) public key, the all-zero "signature" is accepted
    # by a plain Ed25519 check for some messages, b"x" among them. Nobody holds a
    # private key for it, so such a signature proves nothing.
    assert crypto.verify(bytes(32), b"x", bytes(64)) is False
    assert crypto.verify(b"\x01" + bytes(31), b"x", b"\x01" + bytes(63)) is False


def test_sign_rejects_a_private_key_of_the_wrong_length():
    with pytest.raises(KeyFormatError):
        crypto.sign(b"short", b"m")


def test_public_key_fingerprint_is_the_first_128_bits_of_sha256_in_hex():
    _, public = crypto.generate_signing_keypair()
    _, other = crypto.generate_signing_keypair()

    fingerprint = crypto.public_key_fingerprint(public)

    assert fingerprint == hashlib.sha256(public).hexdigest()[:32]
    assert set(fingerprint) <= set(string.hexdigits.lower())
    assert crypto.public_key_fingerprint(public) == fingerprint
    assert crypto.public_key_fingerprint(other) != fingerprint


def test_public_key_fingerprint_rejects_keys_that_are_not_32_bytes():
    with pytest.raises(KeyFormatError):
        crypto.public_key_fingerprint(b"\x00" * 31)


# --- master-key wrapping -------------------------------------------------------------

MASTER = bytes(range(32))
OLD_MASTER = bytes(range(100, 132))


@quick
@given(secret=st.binary(max_size=128), context=st.binary(min_size=1, max_size=64))
def test_a_secret_wrapped_with_the_master_key_unwraps_to_the_same_secret(secret, context):
    wrapped = crypto.wrap_with_master(MASTER, secret, context=context)

    assert crypto.unwrap_with_master(MASTER, wrapped, context=context) == secret


def test_a_master_wrapped_blob_records_which_master_key_wrapped_it():
    wrapped = crypto.wrap_with_master(OLD_MASTER, b"private key", context=b"org-a/x25519")

    assert crypto.wrapped_master_key_id(wrapped) == crypto.master_key_id(OLD_MASTER)
    assert crypto.wrapped_master_key_id(wrapped) != crypto.master_key_id(MASTER)


def test_master_key_ids_are_16_hex_chars_that_do_not_reveal_the_key():
    key_id = crypto.master_key_id(MASTER)

    assert len(key_id) == 16
    assert set(key_id) <= set(string.hexdigits.lower())
    assert key_id not in MASTER.hex()
    assert crypto.master_key_id(MASTER) == key_id


def test_rotation_rewraps_a_secret_from_the_old_master_key_to_the_new_one():
    # given a secret wrapped under the old master key
    secret = b"org-a private key"
    old_blob = crypto.wrap_with_master(OLD_MASTER, secret, context=b"org-a/x25519")
    keys_by_id = {crypto.master_key_id(k): k for k in (MASTER, OLD_MASTER)}

    # when it is found stale and re-wrapped under the current key
    assert crypto.wrapped_master_key_id(old_blob) != crypto.master_key_id(MASTER)
    old_key = keys_by_id[crypto.wrapped_master_key_id(old_blob)]
    plain = crypto.unwrap_with_master(old_key, old_blob, context=b"org-a/x25519")
    new_blob = crypto.wrap_with_master(MASTER, plain, context=b"org-a/x25519")

    # then it opens under the new key and is recorded as such
    assert crypto.wrapped_master_key_id(new_blob) == crypto.master_key_id(MASTER)
    assert crypto.unwrap_with_master(MASTER, new_blob, context=b"org-a/x25519") == secret


def test_unwrapping_with_the_wrong_master_key_names_both_key_ids_but_no_secrets():
    secret = b"org-a private key"
    wrapped = crypto.wrap_with_master(OLD_MASTER, secret, context=b"ctx")

    with pytest.raises(EnvelopeOpenError) as excinfo:
        crypto.unwrap_with_master(MASTER, wrapped, context=b"ctx")

    assert crypto.master_key_id(OLD_MASTER) in str(excinfo.value)
    assert crypto.master_key_id(MASTER) in str(excinfo.value)
    _assert_leaks_nothing(excinfo.value, secret, MASTER, OLD_MASTER)


def test_a_master_wrapped_secret_does_not_unwrap_under_another_context():
    wrapped = crypto.wrap_with_master(MASTER, b"secret", context=b"org-a/x25519")

    with pytest.raises(EnvelopeOpenError):
        crypto.unwrap_with_master(MASTER, wrapped, context=b"org-b/x25519")


def test_flipping_any_byte_of_a_master_wrapped_blob_makes_it_fail_to_unwrap():
    wrapped = crypto.wrap_with_master(MASTER, b"secret", context=b"ctx")

    for position in range(len(wrapped)):
        with pytest.raises(EnvelopeOpenError):
            crypto.unwrap_with_master(MASTER, _flip(wrapped, position), context=b"ctx")


def test_truncated_master_wrapped_blobs_have_no_key_id_and_do_not_unwrap():
    wrapped = crypto.wrap_with_master(MASTER, b"secret", context=b"ctx")

    for length in range(1 + 8 + 12 + 16):
        with pytest.raises(EnvelopeOpenError):
            crypto.wrapped_master_key_id(wrapped[:length])
        with pytest.raises(EnvelopeOpenError):
            crypto.unwrap_with_master(MASTER, wrapped[:length], context=b"ctx")


def test_master_wrapping_rejects_a_master_key_of_the_wrong_length():
    with pytest.raises(KeyFormatError, match="master key"):
        crypto.wrap_with_master(b"too short", b"secret", context=b"ctx")


# --- key derivation and blind indexes ------------------------------------------------


def test_derived_subkeys_are_deterministic_and_separated_by_purpose_and_master():
    index_key = crypto.derive_subkey(MASTER, "blind-index")

    assert len(index_key) == 32
    assert crypto.derive_subkey(MASTER, "blind-index") == index_key
    assert crypto.derive_subkey(MASTER, "token-pepper") != index_key
    assert crypto.derive_subkey(OLD_MASTER, "blind-index") != index_key
    assert index_key != MASTER


def test_derive_subkey_needs_a_purpose():
    with pytest.raises(ValueError, match="purpose"):
        crypto.derive_subkey(MASTER, "")


def test_blind_index_is_a_deterministic_keyed_hmac_of_the_normalised_value():
    index_key = crypto.derive_subkey(MASTER, "blind-index")

    index = crypto.blind_index(index_key, "jane example")

    expected = hmac.new(index_key, b"jane example", hashlib.sha256).hexdigest()
    assert index == expected
    assert len(index) == 64
    assert crypto.blind_index(index_key, "jane example") == index


def test_blind_index_depends_on_the_key_and_the_value():
    key_a = crypto.derive_subkey(MASTER, "blind-index")
    key_b = crypto.derive_subkey(OLD_MASTER, "blind-index")

    assert crypto.blind_index(key_a, "jane example") != crypto.blind_index(key_b, "jane example")
    assert crypto.blind_index(key_a, "jane example") != crypto.blind_index(key_a, "jane exampl")
    assert crypto.blind_index(key_a, "jane example") != crypto.sha256_hex(b"jane example")


def test_blind_index_rejects_an_index_key_of_the_wrong_length():
    with pytest.raises(KeyFormatError):
        crypto.blind_index(b"short", "jane example")


# --- hashing, canonical JSON, tokens -------------------------------------------------


def test_sha256_hex_matches_the_standard_test_vector():
    expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    assert crypto.sha256_hex(b"abc") == expected


def test_canonical_json_sorts_keys_at_every_level_and_has_no_whitespace():
    document = {"b": 1, "a": {"z": [3, 1, 2], "y": None}, "c": True}
    reordered = {"c": True, "a": {"y": None, "z": [3, 1, 2]}, "b": 1}

    encoded = crypto.canonical_json(document)

    assert encoded == b'{"a":{"y":null,"z":[3,1,2]},"b":1,"c":true}'
    assert crypto.canonical_json(reordered) == encoded


def test_canonical_json_keeps_unicode_as_utf8_rather_than_escapes():
    assert crypto.canonical_json({"name": "Zoë Ōtani"}) == '{"name":"Zoë Ōtani"}'.encode()


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, [1.0, math.nan]])
def test_canonical_json_rejects_nan_and_infinity(value):
    with pytest.raises(ValueError, match="NaN"):
        crypto.canonical_json({"score": value})


def test_canonical_json_rejects_non_string_keys_that_would_collide_with_string_keys():
    with pytest.raises(TypeError, match="keys must be str"):
        crypto.canonical_json({"outer": {1: "a"}})


def test_canonical_json_rejects_values_json_cannot_represent():
    with pytest.raises(TypeError):
        crypto.canonical_json({"raw": b"bytes"})  # type: ignore[dict-item]


json_documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@quick
@given(document=json_documents)
def test_canonical_json_is_a_fixed_point_after_parsing(document):
    encoded = crypto.canonical_json(document)

    assert crypto.canonical_json(json.loads(encoded)) == encoded


def test_constant_time_equals_compares_bytes():
    assert crypto.constant_time_equals(b"abc", b"abc") is True
    assert crypto.constant_time_equals(b"abc", b"abd") is False
    assert crypto.constant_time_equals(b"abc", b"abcd") is False


def test_random_tokens_are_url_safe_and_distinct():
    tokens = {crypto.random_token() for _ in range(20)}

    assert len(tokens) == 20
    for token in tokens:
        assert len(token) >= 43  # 32 bytes of base64url
        assert set(token) <= set(string.ascii_letters + string.digits + "-_")


def test_random_token_refuses_fewer_than_16_bytes():
    with pytest.raises(ValueError, match="16"):
        crypto.random_token(8)


def test_hash_token_is_the_sha256_hex_of_the_token_and_hides_it():
    token = crypto.random_token()

    hashed = crypto.hash_token(token)

    assert hashed == hashlib.sha256(token.encode()).hexdigest()
    assert token not in hashed
    assert crypto.hash_token(token + "x") != hashed
