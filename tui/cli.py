"""Command line entry point. Imports stay lazy: the TUI pulls in Textual, headless commands never do."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    import argparse

T = TypeVar("T")

#: the headless commands (as ``tui.headless.parser.COMMANDS``; a test keeps the two equal)
HEADLESS = ("rooms", "runs", "run", "events", "watch", "status", "launch", "compare", "schedules", "exports", "collaborations")
COMMANDS = ("emulator", "cache", "serve", *HEADLESS)
#: headless commands that read once and exit (no polling loop, no prompt)
ONE_SHOT = ("rooms", "runs", "run", "status", "schedules", "exports")
#: top-level options that take a value (the next word is their value, not the command)
_VALUED = ("--profile", "--seed", "--speed", "--scale")
_EVERY = "*"


def _emulator_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=7, help="seed of the generated world (default 7)")
    p.add_argument("--speed", type=float, default=60.0,
                   help="world seconds per real second; 1 = real time (default 60)")
    p.add_argument("--scale", type=int, default=1, help="volume multiplier: more events, larger results (default 1)")
    p.add_argument("--hostile", action="store_true",
                   help="seed every text field with hostile strings (markup, escapes, controls; fault drills)")
    p.add_argument("--hostile-file", metavar="JSON", default=None,
                   help="seed every text field with the strings of this JSON list instead (implies --hostile)")


def _hostile_strings(args: argparse.Namespace) -> tuple[str, ...] | None:
    if not getattr(args, "hostile_file", None):
        return None
    import json

    with open(args.hostile_file, encoding="utf-8") as fh:  # \ud800 escapes load as lone surrogates
        return tuple(str(s) for s in json.load(fh))


def wanted_command(argv: list[str]) -> str | None:
    """Which subcommands the parser needs for ``argv``: the one named, none (the TUI), or
    :data:`_EVERY` (help, or a word that is no command: argparse then lists them all).

    Building only what is used keeps a cron job's start-up short: ~150 argument definitions
    would otherwise be built to parse one command line."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help"):
            return _EVERY
        if word.startswith("--") and "=" not in word and any(opt.startswith(word) for opt in _VALUED):
            next(words, None)  # its value (argparse accepts a unique prefix of a long option)
            continue
        if word.startswith("-") and word != "-":
            continue
        return word if word in COMMANDS else _EVERY
    return None


def build_parser(command: str | None = _EVERY) -> argparse.ArgumentParser:
    """The command line parser; ``command``: the one subcommand to define (None: none, the TUI;
    :data:`_EVERY`, the default: all of them, as ``--help`` lists them)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="cleanroom-tui",
        description="Operate LiveRamp Clean Room and InfoSum collaborations from the terminal. "
                    "With no profile configured it opens the built-in demo.",
    )
    parser.add_argument("--profile", help="profile name from the config file")
    parser.add_argument("--demo", action="store_true", help="run on the embedded emulator")
    parser.add_argument("--readonly", action="store_true", help="hide and refuse every write")
    _emulator_args(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if command is None:
        return parser
    if command in (_EVERY, "emulator"):
        _emulator_parser(sub)
    if command == _EVERY or command in HEADLESS:
        from .headless.parser import add_commands

        add_commands(sub, None if command == _EVERY else command)
    if command in (_EVERY, "cache"):
        _cache_parser(sub)
    if command in (_EVERY, "serve"):
        from .serve import add_parser

        add_parser(sub)
    return parser


def _emulator_parser(sub: argparse._SubParsersAction) -> None:
    emu = sub.add_parser("emulator", help="serve both emulated APIs over HTTP",
                         description="Serve LiveRamp (under /v1) and InfoSum (under /api) on loopback.")
    emu.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 opens it to "
                          "the network)")
    emu.add_argument("--port", type=int, default=8900, help="TCP port to listen on (default 8900)")
    _emulator_args(emu)
    emu.add_argument("--strict-limits", action="store_true",
                     help="enforce LiveRamp's limits with 429s (20 creates/h, 20 status reads/object/h, "
                          "2 tokens/24h)")
    emu.add_argument("--chaos", metavar="SPEC", help="fault injection spec (see README)")
    emu.add_argument("--flow-ids", choices=("both", "ID", "flowID"), default="both",
                     help="which id LiveRamp flow paths accept: the list item's ID, its flowID, or both")


def _cache_parser(sub: argparse._SubParsersAction) -> None:
    cache = sub.add_parser("cache", help="local cache: info | clear",
                           description="Inspect or clear the local SQLite cache. Tokens are never touched; "
                                       "unresolved launch intents are kept unless --everything.")
    cache.add_argument("action", choices=["info", "clear"])
    cache.add_argument("--everything", action="store_true",
                       help="with clear: also delete the launch journal and the watch list")
    cache.add_argument("--json", action="store_true", help="with info: print JSON")


def _cache(args: argparse.Namespace) -> int:
    import json

    from .store import Store

    store = Store.open()
    for warning in store.warnings:
        print(f"cleanroom-tui: {warning}", file=sys.stderr)
    try:
        if args.action == "clear":
            store.clear(args.profile, everything=args.everything)
            scope = f"profile {args.profile!r}" if args.profile else "all profiles"
            print(f"cleared the cache of {scope}", file=sys.stderr)
            return 0
        info = store.info()
        if args.json:
            print(json.dumps(info, indent=2))
            return 0
        print(f"path            {info['path'] or '(memory only)'}")
        print(f"size            {info['size_bytes'] / 1e6:.1f} MB of {info['max_bytes'] / 1e6:.0f} MB cap")
        print(f"schema version  {info['schema_version']}")
        print(f"cache entries   {info['cache_entries']}  (oldest {info['oldest_fetch']}, newest "
              f"{info['newest_fetch']})")
        print(f"launch journal  {info['journal_entries']} entries, {info['unresolved_intents']} unresolved")
        print(f"watched objects {info['watched']}")
        for name, prof in sorted(info["profiles"].items()):
            kinds = ", ".join(f"{k} {n}" for k, n in sorted(prof["cache"].items())) or "empty"
            print(f"  {name}: {kinds}")
        return 0
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    """The program: ``argv`` None means "run as the process" (console script, ``python -m tui``),
    which lets a headless command skip the interpreter's teardown (:func:`_finish`) and a one-shot
    read run without the garbage collector."""
    program = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    command = wanted_command(argv)
    if program and command in ONE_SHOT:
        # a one-shot read allocates a few hundred modules' worth of objects and exits within a
        # second: collecting them on the way costs more than the garbage (a few ms of ~70)
        gc.disable()
    if not argv:  # ``cleanroom-tui``, a newcomer's first command: the parser would only give defaults
        return _tui(no_arguments())
    parser = build_parser(command)
    args = parser.parse_args(argv)
    if args.command == "emulator":
        from .emulator.chaos import ChaosSpecError, parse_spec
        from .emulator.options import EmulatorOptions
        from .emulator.server import serve

        try:
            parse_spec(args.chaos)
        except ChaosSpecError as exc:
            parser.error(f"--chaos: {exc}")
        opts = EmulatorOptions(seed=args.seed, speed=args.speed, scale=args.scale,
                               strict_limits=args.strict_limits, chaos=args.chaos, hostile=args.hostile,
                               hostile_strings=_hostile_strings(args), flow_ids=args.flow_ids)
        try:
            serve(opts, host=args.host, port=args.port)
        except KeyboardInterrupt:
            return 130
        return 0
    if args.command in HEADLESS:
        from .headless import main as headless

        code = headless(args)
        return _finish(code) if program else code
    if args.command == "cache":
        return _cache(args)
    if args.command == "serve":
        from .serve import main as serve

        return serve(args)
    return _tui(args)


def no_arguments() -> argparse.Namespace:
    """What the parser makes of an empty command line, without building it (argparse and the
    parser cost ~5 ms of a start-up that is timed against a bare Textual app;
    tests/unit/test_cli.py keeps the two equal)."""
    from types import SimpleNamespace

    return SimpleNamespace(profile=None, demo=False, readonly=False, seed=7, speed=60.0, scale=1, hostile=False,
                           hostile_file=None, command=None)  # type: ignore[return-value]


def _finish(code: int) -> int:
    """A headless command is done — its output written, its store and connections closed: flush
    and leave without the interpreter's teardown (freeing every module costs ~10 ms, a seventh
    of a quick read). Returns (a normal exit) when a worker thread is still running or a tracer
    or profiler is installed."""
    import threading

    if sys.gettrace() is not None or sys.getprofile() is not None:
        return code  # coverage or a profiler writes its data at exit
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return code
    logging = sys.modules.get("logging")
    if logging is not None:
        logging.shutdown()  # flushes our stderr handler, as the atexit hook would
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away (| head)
            stream.flush()
    os._exit(code)


def _tui(args: argparse.Namespace) -> int:
    """The TUI: ``--demo``, ``--profile NAME``, the default profile, or the demo when none is configured."""
    # No garbage collection until the first frame is on screen (the app turns it back on then):
    # start-up allocates ~100k objects that all stay alive, and the collector kept walking them —
    # ~15 % of the time to the first frame, for nothing to free
    gc.disable()
    from .config import ConfigError, demo_profiles, load_config

    demo_options = None
    available = None
    try:
        cfg = load_config()
        if args.demo or (args.profile is None and not cfg.profiles):
            from .emulator.options import EmulatorOptions

            profiles = demo_profiles(args.speed)
            from .config import state_dir

            demo_options = EmulatorOptions.demo(state_dir(), seed=args.seed, speed=args.speed, scale=args.scale,
                                                hostile=args.hostile, hostile_strings=_hostile_strings(args))
        elif args.profile or cfg.default:
            profiles = [cfg.get(args.profile)]
            available = list(cfg.profiles.values())  # the switcher offers the others
        else:
            profiles = list(cfg.profiles.values())
    except ConfigError as exc:
        print(f"cleanroom-tui: {exc}", file=sys.stderr)
        return 2
    for warning in getattr(cfg, "warnings", []):
        print(f"cleanroom-tui: warning: {warning}", file=sys.stderr)
    from .core import prefetch as head_start
    from .store import Store, default_path

    prefetch = None
    if demo_options is not None and not default_path().exists():  # the very first start: nothing cached
        # the head start (a process that reads the home lists while Textual starts) is forked
        # first: before any thread runs and before Textual is imported
        prefetch = head_start.start(profiles, demo_options)
    store_ready = _meanwhile(Store.open)  # it waits on the disk (fsync), not on the CPU
    from .ui.app import run

    store = store_ready()
    if demo_options is not None and prefetch is None and store is not None \
            and head_start.needed(store, profiles, demo_options):
        prefetch = head_start.start(profiles, demo_options)  # e.g. after `cache clear`: later, still ahead
    return run(profiles, demo_options=demo_options, readonly=args.readonly, available=available,
               store=store, prefetch=prefetch)


def _meanwhile(fn: Callable[[], T]) -> Callable[[], T | None]:
    """Run ``fn`` on a thread; the returned callable waits for its result (None if it raised)."""
    import threading

    result: list[T | None] = [None]

    def work() -> None:
        with contextlib.suppress(Exception):  # no cache is better than no app (run() tries again)
            result[0] = fn()

    thread = threading.Thread(target=work, name="open-store", daemon=True)
    thread.start()

    def wait() -> T | None:
        thread.join()
        return result[0]

    return wait


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
