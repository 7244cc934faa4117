"""Benchmark: ``cleanroom-tui runs --json`` vs the vendor SDK CLI ``liveramp-cleanroom get-cr-question-runs``.

Both run as fresh processes against the same served emulator (seed 7, real HTTP on loopback),
interleaved so they share the machine's noise. Measured per call: wall time (median over N) and
token requests (the emulator's ``world.token_requests`` before/after). Ours runs with a warm token
(the first, unmeasured call caches it); the SDK requests a token on every call, as it does.

Three of ours are shown:

- ``runs --question <uuid>``  — like for like with the SDK: one question's runs;
- ``runs --question CRQ-…``   — the display id resolved from the cache;
- ``runs``                    — every question of every room (1 + rooms + questions requests).

The SDK (PyPI ``liveramp-cleanroom-sdk``) is installed at run time into a temporary venv — from a
wheel in ``/tmp/sdk/`` when there is one, else from PyPI — never as a project dependency. It is
pointed at the emulator with its own config (``base_url``, ``client_id``/``client_secret`` =
``demo-client``/``demo-secret``, ``cleanroom_id``). Target: ours ≤ 0.5× the SDK's wall time and
0 token requests per call. Figures are printed; nothing is asserted.

    python tests/bench/bench_headless.py [-n 15] [--sdk-wheel PATH]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
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


@contextmanager
def emulator(nodelay: bool) -> Iterator[ServedEmulator]:
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


def install_sdk(venv: Path, wheel: str | None) -> Path:
    """A venv with the vendor SDK; returns its CLI. System site-packages give it requests/pyyaml."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    pip = venv / "bin" / "pip"
    target = wheel or SDK_PACKAGE
    subprocess.run([str(pip), "install", "--quiet", "--disable-pip-version-check", target], check=True)
    return venv / "bin" / "liveramp-cleanroom"


def our_config(root: Path, base_url: str) -> dict[str, str]:
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
    return {**os.environ, "CLEANROOM_TUI_CONFIG": str(root / "config.toml"),
            "CLEANROOM_TUI_STATE_DIR": str(root / "state"), "CLEANROOM_TUI_CACHE_DIR": str(root / "cache"),
            "BENCH_LR_SECRET": "demo-secret"}


def sdk_config(root: Path, base_url: str, room_id: str) -> Path:
    path = root / "sdk.yaml"
    path.write_text(f'cleanroom_id: "{room_id}"\nclient_id: "demo-client"\nclient_secret: "demo-secret"\n'
                    f'base_url: "{base_url}"\nlog_level: "WARNING"\noutput_location: "{root / "sdk-out"}"\n')
    return path


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    return time.perf_counter() - started, done


def sdk_run_ids(stdout: str) -> list[str]:
    """The SDK prints a decorated header before its JSON: skip to the first bracket."""
    start = stdout.find("[")
    return [r["id"] for r in json.loads(stdout[start:])] if start >= 0 else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--repeat", type=int, default=15, help="measured calls per command (default 15)")
    parser.add_argument("--sdk-wheel", help="SDK wheel to install (default: /tmp/sdk/*.whl, else PyPI)")
    parser.add_argument("--stock-socket", action="store_true",
                        help="leave the emulator's socket as it is (keep-alive requests then stall ~44 ms)")
    args = parser.parse_args(argv)
    wheel = args.sdk_wheel or next(iter(sorted(glob.glob("/tmp/sdk/liveramp_cleanroom_sdk-*.whl"))), None)

    with tempfile.TemporaryDirectory(prefix="bench-headless-") as tmp, emulator(not args.stock_socket) as emu:
        root = Path(tmp)
        print(f"installing {wheel or SDK_PACKAGE} into a temporary venv …", file=sys.stderr)
        sdk = install_sdk(root / "venv", wheel)
        world = emu.liveramp
        question = max(world.questions.values(), key=lambda q: len(world.runs_by_question.get(q.id, [])))
        env = our_config(root, emu.base_url)
        cfg = sdk_config(root, emu.base_url, question.room_id)
        ours_base = [sys.executable, "-m", "tui", "runs", "--profile", "bench-lr", "--json"]
        commands = {
            "cleanroom-tui runs --question <uuid> --json": ours_base + ["--question", question.id],
            f"cleanroom-tui runs --question {question.display_id} --json": ours_base + ["--question",
                                                                                       question.display_id],
            "cleanroom-tui runs --json (all rooms)": ours_base,
            "liveramp-cleanroom get-cr-question-runs": [
                str(sdk), "get-cr-question-runs", "--config", str(cfg), "--cleanroom-question-id", question.id,
                "--limit", "100", "--output-format", "json"],
        }
        sdk_name = "liveramp-cleanroom get-cr-question-runs"
        # warm-up: our token and cache, the SDK's bytecode; check both answer the same runs
        first = subprocess.run(commands[next(iter(commands))], env=env, cwd=root, capture_output=True, text=True)
        if first.returncode != 0:
            print(first.stderr, file=sys.stderr)
            return 1
        ours_ids = [r["id"] for r in json.loads(first.stdout)]
        for name, cmd in commands.items():
            done = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True)
            if done.returncode != 0:
                print(f"{name} failed:\n{done.stdout}\n{done.stderr}", file=sys.stderr)
                return 1
        same = set(sdk_run_ids(done.stdout)) == set(ours_ids)

        walls: dict[str, list[float]] = {name: [] for name in commands}
        tokens: dict[str, list[int]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                before = world.token_requests
                wall, done = timed(cmd, env, root)
                if done.returncode != 0:
                    print(f"{name} failed: {done.stderr}", file=sys.stderr)
                    return 1
                walls[name].append(wall)
                tokens[name].append(world.token_requests - before)

    sdk_median = statistics.median(walls[sdk_name])
    print(f"\nheadless runs vs vendor SDK — {args.repeat} calls each, question {question.display_id} "
          f"({len(ours_ids)} runs), same runs listed: {'yes' if same else 'NO'}, "
          f"emulator socket: {'stock' if args.stock_socket else 'TCP_NODELAY'}\n")
    header = f"{'command':<58} {'median s':>9} {'p90 s':>7} {'× SDK':>7} {'tokens/call':>12}"
    print(header)
    print("-" * len(header))
    for name in commands:
        values = sorted(walls[name])
        p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
        median = statistics.median(values)
        print(f"{name:<58} {median:>9.3f} {p90:>7.3f} {median / sdk_median:>7.2f} "
              f"{statistics.mean(tokens[name]):>12.2f}")
    print("\ntarget: ours ≤ 0.50 × the SDK's median wall time, 0 token requests per call after the first")
    return 0


if __name__ == "__main__":
    sys.exit(main())
