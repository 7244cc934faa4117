"""Headless commands end to end against a served emulator: ``tui.cli.main(argv)`` in this process
for what the commands answer, and ``python -m tui …`` in a subprocess where the process is the
subject (the fast path's stdlib-only start, the console script, following, signals, usage errors).

Every subprocess call also proves the command never imported Textual (the subprocess reports
``'textual' in sys.modules`` after ``main`` returned); every call checks that stdout holds only data.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers import (  # noqa: F401  (re-exported: other tests import them from here)
    FAST_BUDGET,
    LAUNCH_ARGS,
    NO_TEXTUAL,
    QUESTION,
    QUICK,
    ROOM,
    RUNNER,
    Cli,
    lines_of,
    profile_file,
)
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.server import served


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture(scope="module")
def emu(clock):
    with served(EmulatorOptions(seed=7, clock=clock)) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def cli(emu, tmp_path_factory) -> Cli:
    return Cli(tmp_path_factory.mktemp("headless"), emu.base_url, in_process=True)


@pytest.fixture(scope="module")
def process(cli) -> Cli:
    """The same CLI (config, dirs) as a subprocess."""
    return cli.as_subprocess()


# --------------------------------------------------------------------------- reads

def test_rooms_table_json_and_jsonl(cli):
    table = cli("rooms")
    assert table.returncode == 0, table.stderr
    assert "clean rooms · emu-lr" in table.stdout and "collaborations · emu-is" in table.stdout
    assert ROOM in table.stdout
    rooms = cli.json("rooms")
    platforms = {r["platform"] for r in rooms}
    assert platforms == {"liveramp", "infosum"}
    room = next(r for r in rooms if r.get("displayId") == ROOM)
    assert room["profile"] == "emu-lr" and "questionsCount" in room  # the platform's own field names
    lines = cli("rooms", "--profile", "emu-is", "--jsonl").stdout.splitlines()
    assert lines and all(json.loads(line)["id"].startswith("CLB.") for line in lines)


def test_runs_filters_and_second_call_needs_no_token(cli, emu):
    runs = cli.json("runs", "--question", QUESTION)
    assert runs and {r["questionDisplayId"] for r in runs} == {QUESTION}
    assert all({"id", "status", "submittedAt", "lifecycle", "cleanroomId"} <= set(r) for r in runs)
    stamps = [r["submittedAt"] for r in runs]
    assert stamps == sorted(stamps, reverse=True)
    tokens = emu.liveramp.token_requests
    failed = cli.json("runs", "--status", "failed", "--room", ROOM)
    assert failed and all(r["lifecycle"] == "failed" and r["cleanroomDisplayId"] == ROOM for r in failed)
    assert emu.liveramp.token_requests == tokens  # the token cached by the first call was reused
    exact = cli.json("runs", "--status", "FAILED", "--limit", "2")
    assert len(exact) == 2 and {r["status"] for r in exact} == {"FAILED"}
    recent = cli("runs", "--since", "7d", "--jsonl")
    assert recent.returncode == 0
    assert all(json.loads(line)["lifecycle"] for line in recent.stdout.splitlines())
    table = cli("runs", "--question", QUESTION, "--limit", "3")
    assert table.returncode == 0 and table.stdout.splitlines()[0].split()[:3] == ["SUBMITTED", "STATUS", "LIFECYCLE"]
    assert len(table.stdout.splitlines()) == 4


def test_quick_path_serves_warm_reads_without_the_client_stack(process, emu):
    question = emu.liveramp.find_question(QUESTION)
    first = process("runs", "--question", question.id, "--json")
    again = process("runs", "--question", question.id, "--json")
    assert first.returncode == again.returncode == 0
    assert QUICK in again.stderr  # token cached, answer fits the canonical shape: stdlib HTTP only
    assert [r["id"] for r in json.loads(again.stdout)] == [r["id"] for r in json.loads(first.stdout)]
    run_id = json.loads(again.stdout)[0]["id"]
    detail = process("run", run_id, "--json")
    assert QUICK in detail.stderr and json.loads(detail.stdout)["questionDisplayId"] == QUESTION


def test_quick_reads_stay_in_step_with_the_client(tmp_path, monkeypatch):
    """quick.py and the client share tui/api/liveramp/paths: the token file, the API root, the shapes."""
    from tui.api.liveramp import LiveRampClient, paths
    from tui.api.liveramp import models as m
    from tui.config import Profile
    from tui.headless import quick

    monkeypatch.setenv("CLEANROOM_TUI_STATE_DIR", str(tmp_path))
    profile = Profile(name="ops/prod eu", platform="liveramp", base_url="https://api.example.com/v1/",
                      client_id="0oa1", secret_env="UNUSED")
    client = LiveRampClient(profile)
    assert quick.token_file(profile) == client.tokens.cache_path
    assert paths.api_root(profile.base_url) == client.base_url
    for kind, model in (("runs", m.QuestionRun), ("cleanrooms", m.CleanRoom), ("questions", m.CleanRoomQuestion)):
        canonical, accepted = paths.FIELDS[kind]
        assert canonical == set(model().model_dump(by_alias=True)), kind
        spellings = {choice for f in model.model_fields.values()
                     if f.validation_alias is not None and not isinstance(f.validation_alias, str)
                     for choice in f.validation_alias.choices}
        lowered = {c.lower() for c in canonical}
        assert {a for a in spellings if a.lower() not in lowered} == accepted, kind
    assert not quick.fits("runs", [{"ID": "x", "status": "RUNNING"}])
    assert quick.fits("runs", [{"id": "x", "status": "RUNNING", "somethingNew": 1}])


def test_run_detail(cli):
    run_id = cli.json("runs", "--status", "FAILED", "--limit", "1")[0]["id"]
    run = cli.json("run", run_id)
    assert run["id"] == run_id and run["lifecycle"] == "failed" and run["failureReason"]
    assert run["cleanroomDisplayId"]  # context from the cached listing
    table = cli("run", run_id)
    assert table.returncode == 0 and f"Id          {run_id}" in table.stdout
    assert "Reason" in table.stdout


def test_events_filters_as_in_the_api(cli, emu):
    collab = next(c for c in emu.infosum.collaborations.values() if len(c.events) > 100)
    events = cli.json("events", collab.id, "--limit", "20")
    assert len(events) == 20
    times = [e["event_date_time"] for e in events]
    assert times == sorted(times, reverse=True)
    typed = cli.json("events", collab.id, "--type", "insight_query_successful", "--order", "asc", "--limit", "5")
    assert typed and {e["type"] for e in typed} == {"TYPE_INSIGHT_QUERY_SUCCESSFUL"}
    assert [e["event_date_time"] for e in typed] == sorted(e["event_date_time"] for e in typed)
    company = events[0]["company_id"]
    mine = cli("events", collab.name, "--company", company, "--since", "30d", "--jsonl")
    assert mine.returncode == 0
    assert {json.loads(line)["company_id"] for line in mine.stdout.splitlines()} == {company}
    assert cli("events", collab.id, "--type", "NO_SUCH_TYPE").returncode == 2


def test_events_follow_prints_new_events_until_interrupted(process, emu, clock):
    from tui.emulator.infosum.events import EventDetail

    collab = next(c for c in emu.infosum.collaborations.values() if c.status == "STATUS_ACTIVE")
    proc = process.popen("events", collab.id, "--follow", "--jsonl", "--limit", "3", "--interval", "0.2")
    out = lines_of(proc.stdout)
    try:
        first = [json.loads(out.get(timeout=30)) for _ in range(3)]
        assert [e["event_date_time"] for e in first] == sorted(e["event_date_time"] for e in first)
        emu.infosum.emit(collab, "TYPE_DESTINATION_ADDED", collab.owner_id,
                         EventDetail("headless follow test: destination added"), clock.advance(60))
        new = json.loads(out.get(timeout=30))
        assert new["message"] == "headless follow test: destination added"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
    finally:
        proc.kill()
    assert NO_TEXTUAL in proc.stderr.read()


def test_status_summary(cli):
    doc = cli.json("status")
    by_platform = {p["platform"]: p for p in doc["profiles"]}
    lr = by_platform["liveramp"]
    assert lr["counts"]["runsListed"] > 0 and isinstance(lr["running"], list)
    assert lr["budgets"]["tokens"]["allowed"] == 2 and lr["budgets"]["tokens"]["hasToken"] is True
    assert lr["budgets"]["creates"]["perHour"] == 20
    assert by_platform["infosum"]["collaborations"]["total"] > 0
    table = cli("status")
    assert table.returncode == 0 and "emu-lr (LiveRamp)" in table.stdout and "tokens:" in table.stdout


# --------------------------------------------------------------------------- watch and launch

def test_watch_exit_codes_for_finished_runs(cli):
    failed = cli.json("runs", "--status", "FAILED", "--limit", "1")[0]["id"]
    completed = cli.json("runs", "--status", "COMPLETED", "--limit", "1")[0]["id"]
    assert cli("watch", completed).returncode == 0
    done = cli("watch", failed, completed, "--until-done", "--json")
    assert done.returncode == 1, done.stderr
    final = {r["id"]: r["lifecycle"] for r in json.loads(done.stdout)}
    assert final == {failed: "failed", completed: "succeeded"}


def test_launch_then_watch_until_done(cli, clock):
    assert cli("launch", QUESTION, *LAUNCH_ARGS).returncode == 2  # no terminal to ask, no --yes
    assert cli("launch", QUESTION, "--yes", "--param", "NOPE=1").returncode == 2
    launched = cli.json("launch", QUESTION, "--yes", *LAUNCH_ARGS)
    run_id = launched["id"]
    assert launched["status"] == "QUEUED" and launched["journalId"] and launched["lifecycle"] == "queued"
    again = cli("launch", QUESTION, "--yes", *LAUNCH_ARGS)
    assert again.returncode == 2 and "--allow-duplicate" in again.stderr
    once = cli("watch", run_id, "--json")
    assert once.returncode == 0 and json.loads(once.stdout)[0]["lifecycle"] in ("queued", "running")
    assert cli("watch", run_id, "--until-done", "--timeout", "0.5").returncode == 5
    proc = cli.popen("watch", run_id, "--until-done", "--jsonl", "--timeout", "45")
    out = lines_of(proc.stdout)
    try:
        first = json.loads(out.get(timeout=30))
        assert first["event"] == "changed" and first["id"] == run_id
        clock.advance(hours=6)
        assert proc.wait(timeout=45) in (0, 1)
    finally:
        proc.kill()
    changes = [first] + [json.loads(line) for line in iter(lambda: out.get(timeout=5), None)]
    last = changes[-1]["lifecycle"]
    assert last in ("succeeded", "failed", "cancelled")
    assert proc.returncode == (0 if last == "succeeded" else 1)
    info = json.loads(cli("cache", "info", "--json").stdout)
    assert info["profiles"].get("emu-lr", {}).get("watched", 0) == 0  # watch tidied the watch list


# --------------------------------------------------------------------------- exit codes

def test_usage_errors_exit_2(process):
    """The process's own exit codes (argparse exits; the rest are returned by main)."""
    assert process("runs", "--bogus").returncode == 2
    assert process("runs", "--since", "yesterday").returncode == 2
    assert process("runs", "--room", "CR-000000").returncode == 2
    assert process("runs", "--profile", "nope").returncode == 2
    assert process("events", "CLB.x", "--follow", "--json").returncode == 2
    assert process("watch", "x", "--timeout", "3").returncode == 2


def test_api_errors_exit_3(cli, tmp_path):
    # an unknown id is a usage error (README: "2 … unknown id"), said with the platform's 404
    missing = cli("run", "00000000-0000-0000-0000-000000000000")
    assert missing.returncode == 2 and "HTTP 404" in missing.stderr
    bad = tmp_path / "bad.toml"
    profile_file(bad, _base_url(cli), lr_env="HL_BAD", is_env="HL_BAD")
    env = {"CLEANROOM_TUI_CONFIG": str(bad), "CLEANROOM_TUI_STATE_DIR": str(tmp_path / "state")}
    denied = cli("runs", "--json", env=env)
    assert denied.returncode == 3 and denied.stdout == "" and "HTTP 401" in denied.stderr
    assert "wrong-secret" not in denied.stderr
    assert cli("rooms", "--profile", "emu-is", env=env).returncode == 3


def _base_url(cli: Cli) -> str:
    text = Path(cli.env["CLEANROOM_TUI_CONFIG"]).read_text()
    return text.split('base_url = "', 1)[1].split('"', 1)[0]


def test_offline_answers_from_cache_with_exit_4(tmp_path, clock):
    with served(EmulatorOptions(seed=7, clock=clock)) as emulator:
        cli = Cli(tmp_path, emulator.base_url, in_process=True)
        fresh = cli.json("runs", "--question", QUESTION)
    # the emulator is gone: same question, answered from the cache
    stale = cli("runs", "--question", QUESTION, "--json")
    assert stale.returncode == 4, stale.stderr
    assert "offline: data as of" in stale.stderr
    assert [r["id"] for r in json.loads(stale.stdout)] == [r["id"] for r in fresh]
    allowed = cli("runs", "--question", QUESTION, "--json", "--allow-stale")
    assert allowed.returncode == 0 and json.loads(allowed.stdout)
    nothing = cli("events", "CLB.neverseen", "--json")
    assert nothing.returncode == 3 and nothing.stdout == ""


def test_parsing_imports_nothing_heavy(cli):
    """Lazy imports: building the parser loads neither the API stack nor the store nor Textual."""
    probe = ("import sys\nfrom tui.cli import build_parser\nbuild_parser()\n"
             "print(sorted(m for m in ('httpx', 'pydantic', 'textual', 'sqlite3') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30)
    assert done.stdout.strip() == "[]", done.stderr
    helped = cli("runs", "--help")
    assert helped.returncode == 0 and "exit codes:" in helped.stdout


def test_tables_show_untrusted_text_inert():
    """Table cells go through plain(): escapes and bidi overrides cannot reach the terminal."""
    from tui.headless.output import Column, render_table

    hostile = {"name": "Evil\x1b[31m red\x1b]52;c;AAAA\x07 \u202egnp.exe", "id": "r1"}
    lines = render_table([Column("ID", lambda r: r["id"]), Column("NAME", lambda r: r["name"], flex=True)],
                         [hostile], width=40)
    text = "\n".join(lines)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "␛[31m" in lines[1] and all(len(line) <= 40 for line in lines)


# --------------------------------------------------------------------------- start-up and the fast path

def test_console_script_form_exits_fast_with_everything_flushed(cli, emu):
    """As pip's console script calls it (``main()`` without argv): the teardown is skipped
    (:func:`tui.cli._finish`), yet stdout is complete and the exit code is the command's."""
    script = "import sys\nfrom tui.cli import main\nsys.exit(main())\n"
    question = emu.liveramp.find_question(QUESTION)
    expected = cli.json("runs", "--question", question.id)
    for _ in range(2):  # the second call is served by the quick path
        done = subprocess.run([sys.executable, "-c", script, "runs", "--question", question.id, "--json"],
                              env=cli.env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == expected
    missing = subprocess.run([sys.executable, "-c", script, "run", "00000000-0000-0000-0000-000000000000"],
                             env=cli.env, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "HTTP 404" in missing.stderr
    # a reader that stops early (| head -1) gets its line and no traceback
    with subprocess.Popen([sys.executable, "-c", script, "runs", "--jsonl"], env=cli.env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as proc:
        assert json.loads(proc.stdout.readline())["id"]
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0 and "Traceback" not in err


def test_parser_builds_only_the_named_command():
    from tui.cli import COMMANDS, HEADLESS, build_parser, wanted_command
    from tui.headless.parser import COMMANDS as HEADLESS_COMMANDS

    assert HEADLESS == HEADLESS_COMMANDS and set(HEADLESS) < set(COMMANDS)
    assert wanted_command([]) is None and wanted_command(["--demo", "--readonly"]) is None
    assert wanted_command(["runs", "--json"]) == "runs"
    assert wanted_command(["--profile", "runs", "rooms"]) == "rooms"  # a profile may be called "runs"
    assert wanted_command(["--prof", "runs", "rooms", "--json"]) == "rooms"  # argparse's prefix of --profile
    assert wanted_command(["--seed=3", "status"]) == "status"
    assert wanted_command(["--help"]) == wanted_command(["bogus"]) == wanted_command(["rooms", "-h"][1:]) == "*"
    args = build_parser("runs").parse_args(["--profile", "p", "runs", "--question", "q", "--json"])
    assert (args.command, args.profile, args.question, args.json) == ("runs", "p", ["q"], True)
    full = build_parser().parse_args(["--profile", "p", "runs", "--question", "q", "--json"])
    assert vars(full) == vars(args)  # the same namespace as with every command defined


def test_tui_start_parses_without_the_headless_package():
    probe = ("import sys\nfrom tui.cli import build_parser, wanted_command\n"
             "args = build_parser(wanted_command(['--demo'])).parse_args(['--demo'])\n"
             "print(args.command, args.demo, sorted(m for m in sys.modules if m.startswith('tui.headless')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30)
    assert done.stdout.strip() == "None True []", done.stderr


def test_namespace_rule_is_shared_with_the_sessions():
    from tui.config import Profile, demo_profiles
    from tui.core.namespace import DEMO_SCALE, DEMO_SEED, cache_namespace
    from tui.core.session import build_sessions
    from tui.emulator import EmulatorOptions

    assert (EmulatorOptions().seed, EmulatorOptions().scale) == (DEMO_SEED, DEMO_SCALE)
    prod = Profile(name="prod", platform="liveramp", base_url="https://api.example.com", client_id="c",
                   secret_env="X")
    options = EmulatorOptions(seed=11, scale=3)
    for opts in (None, options):
        profiles = [*demo_profiles(60.0), prod]
        sessions = build_sessions(profiles, demo_options=opts)
        assert [s.repo.profile for s in sessions] == [cache_namespace(p, opts) for p in profiles]
    assert cache_namespace(prod, options) == "prod"
    assert cache_namespace(demo_profiles(60.0)[0], options).endswith("@11x3")


# --------------------------------------------------------------------------- quick HTTP

class _Stream:
    """A byte stream with the two methods read_response uses."""

    def __init__(self, data: bytes) -> None:
        import io

        self._io = io.BytesIO(data)
        self.readline, self.read = self._io.readline, self._io.read


def test_quick_http_framing():
    from tui.headless.quick import Closed, Malformed, read_response

    status, headers, body, keep = read_response(_Stream(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\nX-Request-Id: a\r\n"
        b"X-Request-Id: b\r\n\r\n[1,2,3]HTTP/1.1 next"))
    assert (status, body, keep, headers["x-request-id"]) == (200, b"[1,2,3]", True, "a, b")
    chunked = (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n"
               b"Connection: close\r\n\r\n4;ext=1\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nTrailer: x\r\n\r\n")
    assert read_response(_Stream(chunked))[::2] == (403, b'{"a":1}')
    assert read_response(_Stream(chunked))[3] is False  # Connection: close
    assert read_response(_Stream(b"HTTP/1.0 200 OK\r\n\r\n[]"))[2:] == (b"[]", False)  # ends with the connection
    assert read_response(_Stream(b"HTTP/1.1 204 No Content\r\n\r\n"))[2] == b""
    for bad in (b"SPDY/3 200 OK\r\n\r\n", b"HTTP/1.1 2x0 OK\r\n\r\n", b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
                b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
                b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\n[]",
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"):
        with pytest.raises(Malformed):
            read_response(_Stream(bad))
    with pytest.raises(Closed):
        read_response(_Stream(b""))


def test_quick_reader_retries_a_dropped_keep_alive_once_and_defers_on_junk():
    """A server that closes an idle connection: the GET goes again on a new one. Junk: None (full client)."""
    import socket as sockets

    from tui.config import Profile
    from tui.headless.quick import QuickLiveRamp

    answers = [b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]", None,  # then drops the kept connection
               b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n[{\"id\": \"r\"}]", b"garbage\r\n\r\n"]
    server = sockets.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def serve() -> None:
        pending = list(answers)
        while pending:
            conn, _ = server.accept()
            with conn:
                while pending:
                    request = conn.recv(65536)
                    if not request:
                        break
                    seen.append(request)
                    answer = pending.pop(0)
                    if answer is None:
                        break  # close without answering
                    conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    profile = Profile(name="t", platform="liveramp", base_url=f"http://127.0.0.1:{server.getsockname()[1]}",
                      client_id="c", secret_env="X")
    quick = QuickLiveRamp(profile, "tok")
    try:
        first = quick.get("/cleanrooms", {"limit": 5, "offset": 0, "status": None})
        assert first is not None and first.ok and first.body == []
        second = quick.get("/cleanroom-questions/q%2F1/cleanroom-question-runs")
        assert second is not None and second.body == [{"id": "r"}]
        assert quick.get("/x") is None
    finally:
        quick.close()
        server.close()
    assert seen[0].startswith(b"GET /v1/cleanrooms?limit=5&offset=0 HTTP/1.1\r\n")
    assert b"\r\nAuthorization: Bearer tok\r\n" in seen[0] and b"status" not in seen[0]
    assert seen[1] == seen[2] and seen[1].startswith(b"GET /v1/cleanroom-questions/q%2F1/")


def test_quick_reader_defers_to_the_client_under_a_proxy():
    from tui.headless.quick import proxied

    assert not proxied("https", "api.habu.com", {})
    assert proxied("https", "api.habu.com", {"HTTPS_PROXY": "http://proxy:3128"})
    assert proxied("https", "api.habu.com", {"all_proxy": "socks5://p", "NO_PROXY": "example.com,"})
    assert not proxied("https", "api.habu.com", {"https_proxy": "http://p", "no_proxy": ".habu.com"})
    assert not proxied("https", "api.habu.com", {"https_proxy": "http://p", "no_proxy": "*"})
    assert not proxied("http", "127.0.0.1", {"http_proxy": "http://p", "no_proxy": "localhost,127.0.0.1:8900"})
    assert not proxied("http", "127.0.0.1", {"https_proxy": "http://p"})  # another scheme's proxy


def test_demo_launch_then_watch_in_a_new_process(tmp_path):
    """Issue 18.6: the demo rebuilds its world on every start; a run launched by one ``--demo`` process
    is found by the next (the follow-up command printed works), and two processes never hand out the
    same new run id (an old run with the id of a new one reported COMPLETED at once)."""
    cli = Cli(tmp_path, "http://127.0.0.1:9")  # the config's profile is never used: --demo
    ids = []
    for _ in range(2):
        done = cli("launch", QUESTION, "--demo", "--yes", *LAUNCH_ARGS, "--allow-duplicate", "--json")
        assert done.returncode == 0, done.stderr
        ids.append(json.loads(done.stdout)["id"])
        follow = next(line for line in done.stderr.splitlines() if "follow it with:" in line)
        command = follow.split("follow it with: cleanroom-tui ", 1)[1].split()
        assert command[:2] == ["watch", ids[-1]] and "--demo" in command
    assert ids[0] != ids[1]
    watched = cli("watch", ids[0], "--demo", "--json")  # a third process, the first run
    assert watched.returncode == 0, watched.stderr
    assert json.loads(watched.stdout)[0]["id"] == ids[0]
    runs = cli("watch", *command[1:2], "--demo", "--json")
    assert runs.returncode == 0 and json.loads(runs.stdout)[0]["lifecycle"] in ("queued", "running")
