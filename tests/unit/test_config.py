"""Profiles: TOML parsing, secrets from env or a 0600 file, never from the profile file itself."""

from __future__ import annotations

import os

import pytest

from tui.config import Budget, ConfigError, demo_profiles, load_config, write_private

GOOD = """
default = "prod"

[profiles.prod]
platform = "liveramp"
client_id = "cid-1"
secret_env = "TEST_LR_SECRET"
color = "red"

[profiles.prod.budget]
creates_per_hour = 10

[profiles.partner]
platform = "infosum"
base_url = "http://127.0.0.1:8900"
key_file = "{keyfile}"
read_only = true
"""


def _write(tmp_path, text):
    p = tmp_path / "config.toml"
    write_private(p, text.encode())
    return p


def test_load_profiles_and_budget(tmp_path, monkeypatch):
    key = tmp_path / "key"
    write_private(key, b"infosum-key-xyz\n")
    cfg = load_config(_write(tmp_path, GOOD.format(keyfile=key)))
    prod = cfg.get(None)
    assert prod.name == "prod" and prod.base_url == "https://api.habu.com"
    assert prod.budget.creates_per_hour == 10 and prod.budget.tokens_per_day == 2
    monkeypatch.setenv("TEST_LR_SECRET", "lr-secret-abc")
    assert prod.secret() == "lr-secret-abc"
    partner = cfg.get("partner")
    assert partner.platform == "infosum" and partner.read_only
    assert partner.secret() == "infosum-key-xyz"
    assert cfg.warnings == []


def test_secret_file_readable_by_others_is_refused(tmp_path):
    key = tmp_path / "key"
    key.write_text("k")
    os.chmod(key, 0o644)
    cfg = load_config(_write(tmp_path, GOOD.format(keyfile=key)))
    with pytest.raises(ConfigError, match="chmod 600"):
        cfg.get("partner").secret()


def test_missing_env_var_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("TEST_LR_SECRET", raising=False)
    cfg = load_config(_write(tmp_path, GOOD.format(keyfile="/nonexistent")))
    with pytest.raises(ConfigError, match="TEST_LR_SECRET"):
        cfg.get("prod").secret()


def test_secrets_in_profile_file_are_rejected(tmp_path):
    text = '[profiles.x]\nplatform = "infosum"\napi_key = "oops"\n'
    with pytest.raises(ConfigError, match="do not put secrets"):
        load_config(_write(tmp_path, text))


def test_world_readable_profile_file_warns(tmp_path):
    p = tmp_path / "config.toml"
    p.write_text('[profiles.x]\nplatform = "infosum"\nsecret_env = "K"\n')
    os.chmod(p, 0o644)
    cfg = load_config(p)
    assert cfg.default == "x"
    assert any("readable by other users" in w for w in cfg.warnings)


def test_bad_toml_and_unknown_profile(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(_write(tmp_path, "[profiles\n"))
    cfg = load_config(tmp_path / "missing.toml")
    assert cfg.profiles == {}
    with pytest.raises(ConfigError):
        cfg.get("nope")


def test_write_private_creates_0600(tmp_path):
    p = tmp_path / "sub" / "f.json"
    write_private(p, b"{}")
    assert oct(p.stat().st_mode & 0o777) == "0o600"


def test_demo_profiles_have_fast_budget_and_hide_secret():
    lr, inf = demo_profiles(speed=60)
    assert lr.embedded and lr.platform == "liveramp" and inf.platform == "infosum"
    assert lr.budget.min_status_interval_s == pytest.approx(5.0)
    assert lr.budget.hour_s == pytest.approx(60.0)
    assert "demo-secret" not in repr(lr)
    assert Budget().scaled(1) == Budget()


@pytest.mark.parametrize(("value", "seconds"), [(900, 900.0), ('"90s"', 90.0), ('"15m"', 900.0),
                                                ('"2h"', 7200.0), ('"45"', 45.0)])
def test_stale_after_accepts_seconds_and_units(tmp_path, value, seconds):
    text = f'[profiles.p]\nplatform = "infosum"\nsecret_env = "X"\nstale_after = {value}\n'
    assert load_config(_write(tmp_path, text)).get("p").stale_after_s == seconds


@pytest.mark.parametrize("value", ['"soon"', "0", "-5", "true", '"m"'])
def test_bad_stale_after_is_a_config_error(tmp_path, value):
    text = f'[profiles.p]\nplatform = "infosum"\nsecret_env = "X"\nstale_after = {value}\n'
    with pytest.raises(ConfigError, match="stale_after"):
        load_config(_write(tmp_path, text))


def test_profile_colour_is_checked_when_the_file_is_read(tmp_path):
    ok = '[profiles.p]\nplatform = "infosum"\nsecret_env = "X"\ncolor = "#ff5f00"\n'
    assert load_config(_write(tmp_path, ok)).get("p").color == "#ff5f00"
    bad = ok.replace("#ff5f00", "reddish")
    with pytest.raises(ConfigError, match="unknown color 'reddish'"):
        load_config(_write(tmp_path, bad))


def test_demo_turns_stale_after_fifteen_minutes_of_wall_time():
    assert demo_profiles(60.0)[0].stale_after_s == 900.0  # "as of" is wall time, however fast the world
    assert demo_profiles(1.0)[1].stale_after_s == 900.0
