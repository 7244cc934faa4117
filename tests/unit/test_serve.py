"""``cleanroom-tui serve``: the command line, the exposure warning, the per-tab command and the page."""

from __future__ import annotations

import shlex
import sys

import pytest

from tui import cli, serve


def test_serve_subcommand_reaches_serve_with_its_options(monkeypatch):
    seen = {}
    monkeypatch.setattr(serve, "serve", lambda **kw: seen.update(kw) or 0)
    assert cli.main(["serve", "--demo", "--port", "9001", "--readonly"]) == 0
    assert seen["demo"] and seen["readonly"] and seen["port"] == 9001 and seen["host"] == "127.0.0.1"
    assert cli.main(["--profile", "prod", "serve"]) == 0  # the global --profile works too
    assert seen["profile"] == "prod" and not seen["demo"] and not seen["readonly"]
    assert cli.main(["serve", "--profile", "emu lr"]) == 0
    assert seen["profile"] == "emu lr"


def test_demo_and_profile_exclude_each_other(capsys):
    assert cli.main(["serve", "--demo", "--profile", "prod"]) == 2
    assert "exclude" in capsys.readouterr().err


def test_other_addresses_than_loopback_warn_and_point_at_readonly():
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert serve.exposure_warning(host, False) is None
    warning = serve.exposure_warning("0.0.0.0", False)
    assert "anyone who can reach this port" in warning and "--readonly" in warning
    assert "--readonly is on" in serve.exposure_warning("10.1.2.3", True)


def test_each_tab_runs_the_tui_with_the_same_options_safely_quoted():
    command = serve.app_command(profile="emu lr; rm -rf ~", readonly=True, python="/opt/py thon/bin/python")
    assert shlex.split(command) == ["/opt/py thon/bin/python", "-m", "tui", "--profile", "emu lr; rm -rf ~",
                                    "--readonly"]
    demo = shlex.split(serve.app_command(demo=True, seed=3, speed=1.0))
    assert demo[3:] == ["--demo", "--seed", "3", "--speed", "1.0", "--scale", "1"]


def test_without_textual_serve_it_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails
    assert serve.serve(host="127.0.0.1", port=8000, demo=True, profile=None, readonly=False) == 2
    err = capsys.readouterr().err
    assert "pip install 'cleanroom-tui[serve]'" in err


async def test_the_page_loads_no_web_fonts_and_follows_the_browsers_address():
    pytest.importorskip("textual_serve")
    from aiohttp.test_utils import TestClient, TestServer

    server = serve.make_server("true", port=8000)
    async with TestClient(TestServer(await server._make_app())) as client:
        # as through an SSH tunnel: the browser asked localhost:9000, the server listens on 8000
        resp = await client.get("/", headers={"Host": "localhost:9000"})
        page = await resp.text()
        assert resp.status == 200
        assert 'data-session-websocket-url="ws://localhost:9000/ws"' in page
        assert "googleapis" not in page and "//fonts." not in page
        assert "http://localhost:9000/static/fonts/RobotoMono-VariableFont_wght.ttf" in page
        font = await client.get("/static/fonts/RobotoMono-VariableFont_wght.ttf")
        assert font.status == 200
