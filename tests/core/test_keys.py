import base64
import logging
import os
import stat

import pytest

from core import crypto, keys
from core.keys import MasterKeyError

KEY = bytes(range(32))
OLD_KEY = bytes(range(64, 96))
OLDER_KEY = bytes(range(128, 160))


def _b64(key: bytes, *, urlsafe: bool = True, padded: bool = True) -> str:
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(key).decode()
    return text if padded else text.rstrip("=")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    # Every test starts with no key settings, an empty working directory (so the
    # default ./var never touches the real tree) and an empty cache.
    for name in (
        "HUB_MASTER_KEY",
        "HUB_MASTER_KEY_PREVIOUS",
        "HUB_ALLOW_DEV_MASTER_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("HUB_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    keys.reset_cache()
    yield
    keys.reset_cache()


# --- HUB_MASTER_KEY ------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        _b64(KEY),
        _b64(KEY, padded=False),
        _b64(KEY, urlsafe=False),
        f"  {_b64(KEY)}\n",
    ],
    ids=["urlsafe", "unpadded", "standard-base64", "surrounding-whitespace"],
)
def test_the_master_key_is_read_from_hub_master_key(monkeypatch, encoded):
    monkeypatch.setenv("HUB_MASTER_KEY", encoded)

    assert keys.load_master_key() == KEY


def test_standard_and_urlsafe_alphabets_decode_to_the_same_key(monkeypatch):
    key = b"\xfb\xff" * 16  # encodes with '+'/'/' in standard base64, '-'/'_' url-safe
    assert "+" in _b64(key, urlsafe=False) or "/" in _b64(key, urlsafe=False)

    monkeypatch.setenv("HUB_MASTER_KEY", _b64(key, urlsafe=False))
    standard = keys.load_master_key()
    keys.reset_cache()
    monkeypatch.setenv("HUB_MASTER_KEY", _b64(key))

    assert standard == keys.load_master_key() == key


@pytest.mark.parametrize(
    "value",
    [
        "not base64 at all!",
        _b64(KEY[:16]),
        _b64(KEY + b"\x00"),
        _b64(KEY)[:-3] + "é==",
        "AAAA" + _b64(KEY),
    ],
    ids=["garbage", "16-bytes", "33-bytes", "non-ascii", "extra-chars"],
)
def test_a_malformed_master_key_names_the_setting_and_format_but_not_the_value(monkeypatch, value):
    monkeypatch.setenv("HUB_MASTER_KEY", value)

    with pytest.raises(MasterKeyError) as excinfo:
        keys.load_master_key()

    message = str(excinfo.value)
    assert "HUB_MASTER_KEY" in message
    assert "32 bytes" in message
    assert value.strip() not in message
    assert excinfo.value.__cause__ is None
    assert excinfo.value.__suppress_context__ or excinfo.value.__context__ is None


def test_a_missing_master_key_without_dev_allowance_explains_how_to_make_one(
    monkeypatch,
):
    with pytest.raises(MasterKeyError) as excinfo:
        keys.load_master_key()

    message = str(excinfo.value)
    assert "HUB_MASTER_KEY is not set" in message
    assert "secrets.token_bytes(32)" in message
    assert not os.path.exists("var")


@pytest.mark.parametrize("value", ["", "0", "false", "no", "off"])
def test_falsy_dev_allowance_values_do_not_allow_a_dev_key(monkeypatch, value):
    monkeypatch.setenv("HUB_ALLOW_DEV_MASTER_KEY", value)

    with pytest.raises(MasterKeyError):
        keys.load_master_key()


def test_the_loaded_master_key_is_cached_until_reset(monkeypatch):
    monkeypatch.setenv("HUB_MASTER_KEY", _b64(KEY))
    assert keys.load_master_key() == KEY

    monkeypatch.setenv("HUB_MASTER_KEY", _b64(OLD_KEY))
    assert keys.load_master_key() == KEY

    keys.reset_cache()
    assert keys.load_master_key() == OLD_KEY


# --- development key -----------------------------------------------------------------


def test_a_dev_key_is_generated_once_with_owner_only_permissions(monkeypatch, tmp_path):
    data_dir = tmp_path / "nested" / "data"
    monkeypatch.setenv("HUB_DATA_DIR", str(data_dir))
    monkeypatch.setenv("HUB_ALLOW_DEV_MASTER_KEY", "1")

    first = keys.load_master_key()
    key_file = data_dir / "dev-master.key"
    content = key_file.read_bytes()
    keys.reset_cache()
    second = keys.load_master_key()

    assert len(first) == 32
    assert second == first
    assert key_file.read_bytes() == content
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in data_dir.iterdir()] == ["dev-master.key"]  # no temp files


def test_the_dev_key_defaults_to_var_in_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("HUB_ALLOW_DEV_MASTER_KEY", "true")

    key = keys.load_master_key()

    key_file = tmp_path / "var" / "dev-master.key"
    assert base64.urlsafe_b64decode(key_file.read_text().strip()) == key


def test_using_a_dev_key_logs_a_loud_warning_naming_production(monkeypatch, caplog):
    monkeypatch.setenv("HUB_ALLOW_DEV_MASTER_KEY", "yes")

    with caplog.at_level(logging.WARNING, logger="hub.keys"):
        key = keys.load_master_key()

    warnings = [r for r in caplog.records if r.name == "hub.keys" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "DEVELOPMENT MASTER KEY" in message
    assert "MUST NOT be used in production" in message
    assert _b64(key) not in message


def test_an_existing_dev_key_file_is_reused_not_overwritten(monkeypatch, tmp_path):
    # given another process already created the key file
    (tmp_path / "var").mkdir()
    key_file = tmp_path / "var" / "dev-master.key"
    key_file.write_text(_b64(OLD_KEY) + "\n")
    key_file.chmod(0o600)
    monkeypatch.setenv("HUB_ALLOW_DEV_MASTER_KEY", "1")

    # then it is used as-is
    assert keys.load_master_key() == OLD_KEY
    assert key_file.read_text() == _b64(OLD_KEY) + "\n"


def test_a_corrupt_dev_key_file_is_reported_by_path(monkeypatch, tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "dev-master.key").write_text("corrupted")
    monkeypatch.setenv("HUB_ALLOW_DEV_MASTER_KEY", "1")

    with pytest.raises(MasterKeyError, match="dev-master.key") as excinfo:
        keys.load_master_key()

    assert "corrupted" not in str(excinfo.value)


def test_hub_master_key_wins_over_the_dev_allowance(monkeypatch, tmp_path):
    monkeypatch.setenv("HUB_MASTER_KEY", _b64(KEY))
    monkeypatch.setenv("HUB_ALLOW_DEV_MASTER_KEY", "1")

    assert keys.load_master_key() == KEY
    assert not (tmp_path / "var").exists()


@pytest.mark.parametrize("allowance", ["1", "true", "yes", "on"])
def test_under_settings_forbidding_development_keys_the_allowance_is_refused_naming_hub_master_key(
    monkeypatch, tmp_path, settings, allowance
):
    # review1: production settings with HUB_ALLOW_DEV_MASTER_KEY left set generated and used a dev key
    monkeypatch.setenv("HUB_ALLOW_DEV_MASTER_KEY", allowance)
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path / "data"))
    settings.HUB_DEV_MASTER_KEY_FORBIDDEN = True  # what hub.settings.production sets

    with pytest.raises(MasterKeyError) as refused:
        keys.load_master_key()
    assert "HUB_MASTER_KEY" in str(refused.value) and "development" in str(refused.value)
    assert not (tmp_path / "data").exists()
    monkeypatch.setenv("HUB_MASTER_KEY", _b64(KEY))
    keys.reset_cache()
    assert keys.load_master_key() == KEY  # the real key still works


# --- previous keys and rotation ------------------------------------------------------


def test_previous_master_keys_are_read_in_order_ignoring_blanks(monkeypatch):
    monkeypatch.setenv(
        "HUB_MASTER_KEY_PREVIOUS",
        f" {_b64(OLD_KEY)} ,, {_b64(OLDER_KEY, padded=False)},",
    )

    assert keys.load_previous_master_keys() == [OLD_KEY, OLDER_KEY]


def test_no_previous_master_keys_gives_an_empty_list():
    assert keys.load_previous_master_keys() == []


def test_a_malformed_previous_key_names_the_setting_and_entry_but_not_the_value(
    monkeypatch,
):
    monkeypatch.setenv("HUB_MASTER_KEY_PREVIOUS", f"{_b64(OLD_KEY)},bad-key-value")

    with pytest.raises(MasterKeyError) as excinfo:
        keys.load_previous_master_keys()

    message = str(excinfo.value)
    assert "HUB_MASTER_KEY_PREVIOUS entry 2 of 2" in message
    assert "bad-key-value" not in message
    assert _b64(OLD_KEY) not in message


def test_master_keys_by_id_finds_the_key_that_wrapped_an_old_blob(monkeypatch):
    monkeypatch.setenv("HUB_MASTER_KEY", _b64(KEY))
    monkeypatch.setenv("HUB_MASTER_KEY_PREVIOUS", f"{_b64(OLD_KEY)},{_b64(OLDER_KEY)}")
    old_blob = crypto.wrap_with_master(OLD_KEY, b"org private key", context=b"org-a")

    by_id = keys.master_keys_by_id()

    assert list(by_id) == [crypto.master_key_id(k) for k in (KEY, OLD_KEY, OLDER_KEY)]
    assert by_id[crypto.wrapped_master_key_id(old_blob)] == OLD_KEY


# --- check_master_key ----------------------------------------------------------------


def test_check_master_key_reports_nothing_for_a_good_configuration(monkeypatch):
    monkeypatch.setenv("HUB_MASTER_KEY", _b64(KEY))
    monkeypatch.setenv("HUB_MASTER_KEY_PREVIOUS", _b64(OLD_KEY))

    assert keys.check_master_key() == []


def test_check_master_key_reports_a_missing_key_without_raising():
    problems = keys.check_master_key()

    assert len(problems) == 1
    assert "HUB_MASTER_KEY is not set" in problems[0]


def test_check_master_key_reports_every_malformed_setting_without_values(monkeypatch):
    monkeypatch.setenv("HUB_MASTER_KEY", "short-value")
    monkeypatch.setenv("HUB_MASTER_KEY_PREVIOUS", "other-short-value")

    problems = keys.check_master_key()

    assert len(problems) == 2
    assert "HUB_MASTER_KEY is malformed" in problems[0]
    assert "HUB_MASTER_KEY_PREVIOUS entry 1 of 1 is malformed" in problems[1]
    assert not any("short-value" in problem for problem in problems)


def test_check_master_key_reports_the_current_key_listed_as_previous(monkeypatch):
    monkeypatch.setenv("HUB_MASTER_KEY", _b64(KEY))
    monkeypatch.setenv("HUB_MASTER_KEY_PREVIOUS", _b64(KEY, padded=False))

    problems = keys.check_master_key()

    assert problems == ["HUB_MASTER_KEY_PREVIOUS must not contain the current HUB_MASTER_KEY."]
