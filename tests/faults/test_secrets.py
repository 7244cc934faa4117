"""Secrets stay secret through a whole session, faults included.

Known fake credentials (a LiveRamp client secret from the environment, an InfoSum API key from a
0600 file) drive the TUI and the headless commands against a served emulator: browsing, an error
in place, an expired token, a lost create-run answer (journal), an export, a screenshot, debug
logging everywhere. Afterwards every file the app wrote (cache, journal, token cache, exports,
screenshots, logs) and every text it printed is searched for the secrets and their encodings
(Basic auth, the bearer tokens) — none may appear, except the access token in its own 0600 file.
"""

from __future__ import annotations

import base64
import logging
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from tests.helpers import LAUNCH_ARGS, QUESTION, open_key, press, screen_text, table, wait_for_workers
from tui.cli import main
from tui.config import load_config, write_private
from tui.core.session import build_sessions
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.server import served
from tui.store import Store
from tui.ui.app import CleanroomApp

from .conftest import SIZE

LR_SECRET = "drill-LR-secret-7f3a9c1e5b"
IS_KEY = "drill-IS-key-2d8b6e4f0a"
CLIENT_ID = "drill-client"


def _forbidden(tokens: list[str]) -> dict[str, str]:
    basic = base64.b64encode(f"{CLIENT_ID}:{LR_SECRET}".encode()).decode()
    found = {"LiveRamp client secret": LR_SECRET, "InfoSum API key": IS_KEY, "Basic credentials": basic}
    for i, token in enumerate(tokens):
        found[f"access token {i + 1}"] = token
        found[f"access token {i + 1} (signature)"] = token.rsplit(".", 1)[-1]
    return found


def _scan(name: str, data: bytes, forbidden: dict[str, str], allow_tokens: bool = False) -> list[str]:
    leaks = []
    for what, secret in forbidden.items():
        if allow_tokens and what.startswith("access token"):
            continue
        if secret.encode() in data:
            leaks.append(f"{what} in {name}")
    return leaks


async def test_a_whole_session_leaks_no_secret(tmp_path, monkeypatch, capsys, caplog, fast_retries):
    root = tmp_path / "drill"
    (root / "exports").mkdir(parents=True)
    monkeypatch.setenv("CLEANROOM_TUI_STATE_DIR", str(root / "state"))
    monkeypatch.setenv("CLEANROOM_TUI_CACHE_DIR", str(root / "cache"))
    monkeypatch.setenv("DRILL_LR_SECRET", LR_SECRET)
    key_file = root / "secrets" / "infosum.key"
    write_private(key_file, IS_KEY.encode())
    caplog.set_level(logging.DEBUG)  # everything every library logs, at the chattiest level
    log_file = root / "debug.log"
    handler = logging.FileHandler(log_file)
    handler.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    texts: dict[str, str] = {}

    clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
    try:
        with served(EmulatorOptions(seed=7, clock=clock)) as emu:
            lr, inf = emu.liveramp, emu.infosum
            lr.add_client(CLIENT_ID, LR_SECRET)
            inf.add_key(IS_KEY, next(iter(inf.companies)))
            config = root / "config.toml"
            write_private(config, f"""
[profiles.drill-lr]
platform = "liveramp"
base_url = "{emu.base_url}"
client_id = "{CLIENT_ID}"
secret_env = "DRILL_LR_SECRET"

[profiles.drill-is]
platform = "infosum"
base_url = "{emu.base_url}"
secret_file = "{key_file}"
""".encode())
            monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(config))
            profiles = list(load_config().profiles.values())

            # --- the TUI: browse, an error in place, an expired token, an export, a screenshot
            store = Store.open()
            app = CleanroomApp(build_sessions(profiles, store=store))
            app.animation_level = "none"
            async with app.run_test(size=SIZE) as pilot:
                await wait_for_workers(pilot)
                room = lr.find_room("CR-199659")
                await open_key(pilot, table(app, "#table-0"), room.id)
                emu.app.state.chaos.set("GET /v1/*=500")
                await press(pilot, "r")
                texts["tui error"] = screen_text(app)
                assert "✗ HTTP 500" in texts["tui error"]
                emu.app.state.chaos.set("GET /v1/*=token-expired,times=1")
                await press(pilot, "r")
                emu.app.state.chaos.clear()
                app.screen.show_tab("questions")
                await wait_for_workers(pilot)
                table(app, "#questions-pane").export(root / "exports" / "questions.csv")
                table(app, "#questions-pane").export(root / "exports" / "questions.json")
                app.save_screenshot(str(root / "exports" / "screen.svg"))
                texts["tui screen"] = screen_text(app)
                await app.action_quit()
            store.close()

            # --- headless, debug logging on stderr: reads, a launch whose answer is lost, an error
            argv_sets = [["rooms", "-v"], ["runs", "--room", "CR-199659", "--json", "-v"],
                         ["launch", QUESTION, *LAUNCH_ARGS, "--name", "secret drill", "--yes", "--json", "-v"],
                         ["status", "-v"]]
            for argv in argv_sets:
                if argv[0] == "launch":
                    emu.app.state.chaos.set("POST /v1/cleanroom-questions/*/create-run=drop-after,times=1")
                main(argv)
                out, err = capsys.readouterr()
                texts[" ".join(argv[:2]) + " stdout"] = out
                texts[" ".join(argv[:2]) + " stderr"] = err
            emu.app.state.chaos.set("*=503")
            main(["rooms", "-v"])
            out, err = capsys.readouterr()
            texts["headless error"] = out + err
            assert "503" in err
            tokens = [t for t in _issued_tokens(root / "state")]
            assert lr.counters.tokens[CLIENT_ID] == 2, "the expired token was replaced once"
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()

    forbidden = _forbidden(tokens)
    texts["captured log records"] = "\n".join(r.getMessage() + str(r.args or "") for r in caplog.records)
    leaks: list[str] = []
    for name, text in texts.items():
        leaks += _scan(name, text.encode(), forbidden)
    token_files = set()
    for path in root.rglob("*"):
        if not path.is_file() or path == key_file:  # the secret's own home
            continue
        data = path.read_bytes()
        is_token_file = path.parent.name == "tokens" and path.suffix == ".json"
        if is_token_file:
            token_files.add(path)
        leaks += _scan(str(path.relative_to(root)), data, forbidden, allow_tokens=is_token_file)
    assert not leaks, leaks
    assert len(texts["captured log records"]) > 1000, "debug logging really ran"

    # token and secret files: 0600, in a directory only the user can enter
    assert token_files, "the token cache was written"
    for path in [*token_files, key_file, config]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in token_files:
        assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert IS_KEY not in repr(profiles) and LR_SECRET not in repr(profiles)


def _issued_tokens(state: Path) -> list[str]:
    import json

    found = []
    for path in (state / "tokens").glob("*.json"):
        data = json.loads(path.read_bytes())
        found += [v for k, v in data.items() if "token" in k.lower() and isinstance(v, str) and len(v) > 20]
        for entry in data.get("history", []) if isinstance(data.get("history"), list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("accessToken"), str):
                found.append(entry["accessToken"])
    assert found, f"no token in {os.listdir(state / 'tokens')}"
    return found
