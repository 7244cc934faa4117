"""End-to-end fixtures: the emulator served by uvicorn on a random loopback port, real HTTP."""

from __future__ import annotations

import pytest

from tui.config import Budget, Profile
from tui.emulator import EmulatorOptions
from tui.emulator.server import served


@pytest.fixture
def emulator(clock):
    with served(EmulatorOptions(seed=7, clock=clock)) as emu:
        yield emu


@pytest.fixture
def strict_emulator(clock):
    with served(EmulatorOptions(seed=7, clock=clock, strict_limits=True)) as emu:
        yield emu


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    path = tmp_path / "state"
    monkeypatch.setenv("CLEANROOM_TUI_STATE_DIR", str(path))
    monkeypatch.setenv("CLEANROOM_TUI_CACHE_DIR", str(tmp_path / "cache"))
    return path


def liveramp_profile(base_url: str, name: str = "emu-lr", budget: Budget | None = None) -> Profile:
    return Profile(name=name, platform="liveramp", base_url=base_url, client_id="demo-client",
                   secret_env="E2E_LR_SECRET", budget=budget or Budget())


def infosum_profile(base_url: str, env: str = "E2E_IS_KEY", name: str = "emu-is") -> Profile:
    return Profile(name=name, platform="infosum", base_url=base_url, secret_env=env)


@pytest.fixture(autouse=True)
def _secrets(monkeypatch):
    monkeypatch.setenv("E2E_LR_SECRET", "demo-secret")
    monkeypatch.setenv("E2E_IS_KEY", "demo-key")
    monkeypatch.setenv("E2E_IS_PARTNER1", "partner-key-1")
    monkeypatch.setenv("E2E_IS_PARTNER2", "partner-key-2")
    monkeypatch.setenv("E2E_IS_LEFT", "left-key")
