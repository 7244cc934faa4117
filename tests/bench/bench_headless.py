"""Benchmark: ``cleanroom-tui runs --json`` vs the vendor SDK CLI ``liveramp-cleanroom get-cr-question-runs``.

Both run as fresh processes, launched the same way (a console script with a ``#!`` line, as pip
writes them), against the same served emulator (seed 7, real HTTP on loopback), interleaved round
by round so they share the machine's noise. Per call: wall time and token requests (the
emulator's ``world.token_requests`` before/after). Ours runs with a warm token (the unmeasured
first call caches it); the SDK requests a token on every call, as it does.

What is compared (in a shuffled order each round; the ratio is the median of the per-round
ratios, robust to load changing between rounds):

- ``runs --question <uuid> --json`` vs ``get-cr-question-runs`` on that question — like for like;
- ``runs --question CRQ-… --json`` — the display id resolved from the cache;
- ``runs --json`` (every question of every room: 1 + rooms + questions GETs) vs its SDK
  equivalent: the SDK cannot list clean rooms, so a script given the room ids runs
  ``get-cleanroom-questions`` per room and ``get-cr-question-runs`` per question (one process and
  one token each) — and, for scale, vs one SDK call;
- the one-question read again with a 60 MB cache (full run only: start-up grows with the store);
- token requests per call after the first;
- floors, in the same rounds: ``python -c pass`` (interpreter + ``site``), ``python -S -c pass``
  (without ``site``, which a console script cannot skip) and ``python -c "import json, socket"``.

Bytecode: this environment sets ``PYTHONDONTWRITEBYTECODE``, so a source tree would be compiled
on every call while pip compiles an installed package once. Both sides therefore run with a
private ``PYTHONPYCACHEPREFIX`` that the warm-up fills: the installed state, for both.

The SDK (PyPI ``liveramp-cleanroom-sdk``, in the ``test`` extra for the vendor-SDK e2e test) is used
where it is installed beside this interpreter; otherwise it goes into a venv under the temp dir,
reused between runs: from a wheel in ``/tmp/sdk/`` when there is one, else from PyPI.
Without it the SDK rows have no baseline (``passed`` None) and the rest is still measured.

    python tests/bench/bench_headless.py [--quick] [-n ROUNDS] [--sdk-wheel PATH]

``measure(quick)`` returns the rows for ``python -m tests.bench``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tui.config import write_private  # noqa: E402
from tui.emulator import EmulatorOptions  # noqa: E402
from tui.emulator.server import ServedEmulator  # noqa: E402

SDK_PACKAGE = "liveramp-cleanroom-sdk"
SDK_VENV = Path(tempfile.gettempdir()) / "cleanroom-bench-sdk-venv"
TARGET = 0.5
ROUNDS, QUICK_ROUNDS = 15, 5
SDK_SCRIPT_ROUNDS, QUICK_SDK_SCRIPT_ROUNDS = 2, 1
BIG_CACHE_MB = 60
# exactly what pip writes for ``cleanroom-tui = "tui.cli:main"``
CONSOLE_SCRIPT = """#!{python}
import sys
from tui.cli import main
if __name__ == '__main__':
    sys.argv[0] = sys.argv[0].removesuffix('.exe')
    sys.exit(main())
"""


@contextmanager
def emulator(nodelay: bool = True) -> Iterator[ServedEmulator]:
    """The served emulator; ``nodelay`` sets TCP_NODELAY on its socket (inherited by accepted ones).

    Without it every request after the first on a keep-alive connection stalls ~44 ms on loopback
    (Nagle + delayed ACK) — a test-server artifact a real platform does not have, which would add
    44 ms to the SDK's GET (it follows the token POST on one connection) and to every request our
    fan-out makes per thread.
    """
    emu = ServedEmulator(EmulatorOptions(seed=7))
    if nodelay:
        emu._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def install_sdk(wheel: str | None, venv: Path = SDK_VENV) -> Path | None:
    """The SDK's CLI: the one the ``test`` extra installed beside this interpreter, else one in a venv
    (reused when it works), or None when it cannot be installed."""
    import shutil

    installed = shutil.which("liveramp-cleanroom", path=str(Path(sys.executable).parent)) or shutil.which(
        "liveramp-cleanroom")
    if installed and subprocess.run([installed, "--help"], capture_output=True).returncode == 0:
        return Path(installed)
    cli = venv / "bin" / "liveramp-cleanroom"
    if cli.exists() and subprocess.run([str(cli), "--help"], capture_output=True).returncode == 0:
        return cli
    try:
        # system site-packages give it requests and pyyaml without a download
        subprocess.run([sys.executable, "-m", "venv", "--clear", "--system-site-packages", str(venv)], check=True,
                       capture_output=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                        wheel or SDK_PACKAGE], check=True, capture_output=True, timeout=300)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"bench_headless: SDK unavailable ({exc}); measuring ours only", file=sys.stderr)
        return None
    return cli


def environment(root: Path, base_url: str) -> dict[str, str]:
    """One environment for every process: our config, and compiled bytecode cached (see the docstring)."""
    # a budget roomy enough that N repeated listings are never answered from the cache instead
    text = f"""
[profiles.bench-lr]
platform = "liveramp"
base_url = "{base_url}"
client_id = "demo-client"
secret_env = "BENCH_LR_SECRET"

[profiles.bench-lr.budget]
status_reads_per_object_per_hour = 100000
min_status_interval_s = 0
"""
    write_private(root / "config.toml", text.encode())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "CLEANROOM_TUI_CONFIG": str(root / "config.toml"), "CLEANROOM_TUI_STATE_DIR": str(root / "state"),
            "CLEANROOM_TUI_CACHE_DIR": str(root / "cache"), "BENCH_LR_SECRET": "demo-secret",
            "PYTHONPYCACHEPREFIX": str(root / "pyc"), "PYTHONPATH": str(ROOT)}


def console_script(root: Path) -> Path:
    path = root / "bin" / "cleanroom-tui"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONSOLE_SCRIPT.format(python=sys.executable))
    path.chmod(0o755)
    return path


def sdk_config(root: Path, base_url: str, room_id: str) -> Path:
    path = root / f"sdk-{room_id}.yaml"
    path.write_text(f'cleanroom_id: "{room_id}"\nclient_id: "demo-client"\nclient_secret: "demo-secret"\n'
                    f'base_url: "{base_url}"\nlog_level: "WARNING"\noutput_location: "{root / "sdk-out"}"\n')
    return path


def sdk_json(stdout: str) -> list[dict]:
    """The SDK prints a decorated header before its JSON: skip to the first bracket."""
    start = stdout.find("[")
    try:
        return json.loads(stdout[start:]) if start >= 0 else []
    except ValueError:
        return []


class Timer:
    """Runs commands as fresh processes, noting wall time and the token requests each caused."""

    def __init__(self, world: object, env: dict[str, str], cwd: Path) -> None:
        self.world = world
        self.env = env
        self.cwd = cwd

    def __call__(self, argv: list[str], check: bool = True) -> tuple[float, int, subprocess.CompletedProcess]:
        before = self.world.token_requests
        started = time.perf_counter()
        done = subprocess.run(argv, env=self.env, cwd=self.cwd, capture_output=True, text=True, timeout=120)
        wall = time.perf_counter() - started
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:3])} … exited {done.returncode}: {done.stderr[-500:]}")
        return wall, self.world.token_requests - before, done


def sdk_script(timer: Timer, sdk: Path, configs: dict[str, Path]) -> tuple[float, int, set[str], int]:
    """The SDK equivalent of ``runs --json``: questions per room, then runs per question, one process each.
    Returns wall time, token requests, the run ids listed and the processes started."""
    started, tokens, run_ids, processes = time.perf_counter(), 0, set(), 0
    for config in configs.values():
        processes += 1
        _, spent, done = timer([str(sdk), "get-cleanroom-questions", "--config", str(config), "--output-format",
                                "json"], check=False)
        tokens += spent
        for question in sdk_json(done.stdout):
            processes += 1
            _, spent, got = timer([str(sdk), "get-cr-question-runs", "--config", str(config),
                                   "--cleanroom-question-id", question["id"], "--limit", "100",
                                   "--output-format", "json"], check=False)
            tokens += spent
            run_ids |= {r["id"] for r in sdk_json(got.stdout)}
    return time.perf_counter() - started, tokens, run_ids, processes


def fill_cache(path: Path, megabytes: int) -> None:
    """Store ~``megabytes`` of run lists under another profile (what a TUI session leaves behind)."""
    from tui.store import Store

    runs = [{"id": f"run-{i}", "name": "Filler run " + "x" * 180, "status": "COMPLETED",
             "parameters": {"p": "v" * 60}} for i in range(100)]
    store = Store.open(path)
    try:
        for i in range(megabytes * 30):  # ~33 KB per entry
            store.put("filler", "runs", f"question-{i}", runs)
    finally:
        store.close()


def ratio(ours: list[float], base: list[float]) -> float:
    return statistics.median(o / b for o, b in zip(ours, base, strict=True))


def row(figure: str, ours: float, baseline: float | None, unit: str, target: str, passed: bool | None,
        note: str) -> dict:
    return {"figure": figure, "ours": ours, "baseline": baseline, "unit": unit, "target": target, "passed": passed,
            "note": note}


def measure(quick: bool = False, *, rounds: int | None = None, wheel: str | None = None,
            nodelay: bool = True) -> list[dict]:
    """Rows: our wall times against the SDK's, token requests per call, and the floors."""
    rounds = rounds or (QUICK_ROUNDS if quick else ROUNDS)
    wheel = wheel or next(iter(sorted(glob.glob("/tmp/sdk/liveramp_cleanroom_sdk-*.whl"))), None)
    sdk = install_sdk(wheel)
    with tempfile.TemporaryDirectory(prefix="bench-headless-") as tmp, emulator(nodelay) as emu:
        root = Path(tmp)
        world = emu.liveramp
        question = max(world.questions.values(), key=lambda q: len(world.runs_by_question.get(q.id, [])))
        env = environment(root, emu.base_url)
        timer = Timer(world, env, root)
        ours_cli = [str(console_script(root)), "runs", "--profile", "bench-lr", "--json"]
        py = sys.executable
        commands = {
            "uuid": ours_cli + ["--question", question.id],
            "display": ours_cli + ["--question", question.display_id],
            "all": ours_cli,
            "pass": [py, "-c", "pass"],
            "nosite": [py, "-S", "-c", "pass"],
            "imports": [py, "-c", "import json, socket"],
        }
        configs = {room_id: sdk_config(root, emu.base_url, room_id) for room_id in world.cleanrooms}
        if sdk is not None:
            commands["sdk"] = [str(sdk), "get-cr-question-runs", "--config", str(configs[question.room_id]),
                               "--cleanroom-question-id", question.id, "--limit", "100", "--output-format", "json"]
        # warm-up: our token and cache, everyone's bytecode; check ours and the SDK's list the same runs
        ours_ids = {r["id"] for r in json.loads(timer(commands["uuid"])[2].stdout)}
        all_ids = {r["id"] for r in json.loads(timer(commands["all"])[2].stdout)}
        same = None
        for name, argv in commands.items():
            done = timer(argv)[2]
            if name == "sdk":
                same = {r["id"] for r in sdk_json(done.stdout)} == ours_ids
        walls: dict[str, list[float]] = {name: [] for name in commands}
        tokens: dict[str, list[int]] = {name: [] for name in commands}
        order = list(commands)
        shuffle = random.Random(7).shuffle
        for _ in range(rounds):
            shuffle(order)  # no command always runs first (or right after the SDK)
            for name in order:
                argv = commands[name]
                wall, spent, _ = timer(argv)
                walls[name].append(wall)
                tokens[name].append(spent)
        big = None
        if not quick and sdk is not None:
            # a TUI user's cache grows towards its cap: the same read with 60 MB of other entries stored
            fill_cache(root / "cache" / "store.sqlite3", BIG_CACHE_MB)
            big = {"uuid": [], "sdk": []}
            for _ in range(max(5, rounds // 2)):
                for name in random.Random(len(big["uuid"])).sample(["uuid", "sdk"], 2):
                    big[name].append(timer(commands[name])[0])
        script = None
        if sdk is not None:
            runs_of = [sdk_script(timer, sdk, configs)
                       for _ in range(QUICK_SDK_SCRIPT_ROUNDS if quick else SDK_SCRIPT_ROUNDS)]
            script = (statistics.median(r[0] for r in runs_of), runs_of[0][1], runs_of[0][2] == all_ids, runs_of[0][3])
        rooms = len(world.cleanrooms)

    med = {name: statistics.median(values) for name, values in walls.items()}
    sdk_med = med.get("sdk")
    rows = []
    for name, figure in (("uuid", "runs --question <uuid> --json"), ("display", f"runs --question {question.display_id} --json")):
        r = ratio(walls[name], walls["sdk"]) if sdk_med else None
        rows.append(row(figure, med[name], sdk_med, "s", f"≤ {TARGET:.2f}× SDK get-cr-question-runs",
                        None if r is None else r <= TARGET,
                        (f"{r:.2f}× the SDK (median of {rounds} per-round ratios); "
                         f"same runs as the SDK: {'yes' if same else 'NO'}" if r is not None else "SDK unavailable")
                        + f"; {len(ours_ids)} runs, warm token"))
    if script is not None:
        wall, sdk_tokens, same_all, processes = script
        rows.append(row("runs --json (all rooms)", med["all"], wall, "s",
                        f"≤ {TARGET:.2f}× the SDK equivalent", med["all"] <= TARGET * wall,
                        f"{med['all'] / wall:.3f}×; ours: 1 + {rooms} + {processes - rooms} GETs in one process, "
                        f"concurrent over keep-alive connections; SDK: {processes} processes "
                        f"(get-cleanroom-questions per room, get-cr-question-runs per question it may read; it "
                        f"cannot list rooms), {sdk_tokens} token requests; same runs: {'yes' if same_all else 'NO'}"))
        rows.append(row("runs --json (all rooms) vs one SDK call", med["all"], sdk_med, "s", "—", None,
                        f"{ratio(walls['all'], walls['sdk']):.2f}× a single get-cr-question-runs (scale only)"))
    else:
        rows.append(row("runs --json (all rooms)", med["all"], None, "s", f"≤ {TARGET:.2f}× the SDK equivalent",
                        None, "SDK unavailable"))
    if big is not None:
        r = ratio(big["uuid"], big["sdk"])
        rows.append(row(f"runs --question <uuid> --json, {BIG_CACHE_MB} MB cache", statistics.median(big["uuid"]),
                        statistics.median(big["sdk"]), "s", f"≤ {TARGET:.2f}× SDK get-cr-question-runs", r <= TARGET,
                        f"{r:.2f}× the SDK; the store runs PRAGMA quick_check on every open (O(file size))"))
    ours_tokens = float(statistics.mean(tokens["uuid"] + tokens["display"] + tokens["all"]))
    sdk_tokens = float(statistics.mean(tokens["sdk"])) if sdk_med else None
    rows.append(row("token requests per call after the first", ours_tokens, sdk_tokens, "requests", "0",
                    ours_tokens == 0, "ours reads the shared token cache; the SDK fetches one per process"))
    floors = (("pass", "floor: python -c pass"), ("nosite", "floor: python -S -c pass (no site)"),
              ("imports", "floor: python -c 'import json, socket'"))
    for name, figure in floors:
        share = f"{ratio(walls[name], walls['sdk']):.2f}× the SDK" if sdk_med else "no SDK"
        rows.append(row(figure, med[name], sdk_med, "s", "—", None,
                        f"{share}; ours above it: {med['uuid'] - med[name]:+.3f} s"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROUNDS} rounds, one SDK-script round")
    parser.add_argument("-n", "--rounds", type=int, help=f"measured rounds (default {ROUNDS})")
    parser.add_argument("--sdk-wheel", help="SDK wheel to install (default: /tmp/sdk/*.whl, else PyPI)")
    parser.add_argument("--stock-socket", action="store_true",
                        help="leave the emulator's socket as it is (keep-alive requests then stall ~44 ms)")
    args = parser.parse_args(argv)
    rows = measure(args.quick, rounds=args.rounds, wheel=args.sdk_wheel, nodelay=not args.stock_socket)
    print(f"\n{'figure':<46} {'ours':>8} {'baseline':>9} {'unit':<9} {'target':<34} {'pass':<5}")
    for r in rows:
        base = f"{r['baseline']:.3f}" if r["baseline"] is not None else "—"
        passed = {True: "yes", False: "NO", None: ""}[r["passed"]]
        print(f"{r['figure']:<46} {r['ours']:>8.3f} {base:>9} {r['unit']:<9} {r['target']:<34} {passed:<5}")
        print(f"    {r['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
