"""Command line entry point. Imports stay lazy: the TUI pulls in Textual, headless commands never do."""

from __future__ import annotations

import argparse
import sys

HEADLESS = ("rooms", "runs", "run", "events", "watch", "status", "launch")


def _emulator_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=7, help="seed of the generated world (default 7)")
    p.add_argument("--speed", type=float, default=60.0,
                   help="world seconds per real second; 1 = real time (default 60)")
    p.add_argument("--scale", type=int, default=1, help="volume multiplier: more events, larger results")
    p.add_argument("--hostile", action="store_true",
                   help="seed every text field with hostile strings (markup, escapes, controls; fault drills)")


def build_parser() -> argparse.ArgumentParser:
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

    emu = sub.add_parser("emulator", help="serve both emulated APIs over HTTP",
                         description="Serve LiveRamp (under /v1) and InfoSum (under /api) on loopback.")
    emu.add_argument("--host", default="127.0.0.1")
    emu.add_argument("--port", type=int, default=8900)
    _emulator_args(emu)
    emu.add_argument("--strict-limits", action="store_true",
                     help="enforce LiveRamp's limits with 429s (20 creates/h, 20 status reads/object/h, "
                          "2 tokens/24h)")
    emu.add_argument("--chaos", metavar="SPEC", help="fault injection spec (see README)")

    from .headless.parser import add_commands

    add_commands(sub)
    cache = sub.add_parser("cache", help="local cache: info | clear",
                           description="Inspect or clear the local SQLite cache. Tokens are never touched; "
                                       "unresolved launch intents are kept unless --everything.")
    cache.add_argument("action", choices=["info", "clear"])
    cache.add_argument("--everything", action="store_true",
                       help="with clear: also delete the launch journal and the watch list")
    cache.add_argument("--json", action="store_true", help="with info: print JSON")
    return parser


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
    parser = build_parser()
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
                               strict_limits=args.strict_limits, chaos=args.chaos, hostile=args.hostile)
        try:
            serve(opts, host=args.host, port=args.port)
        except KeyboardInterrupt:
            return 130
        return 0
    if args.command in HEADLESS:
        from .headless import main as headless

        return headless(args)
    if args.command == "cache":
        return _cache(args)
    return _tui(args)


def _tui(args: argparse.Namespace) -> int:
    """The TUI: ``--demo``, ``--profile NAME``, the default profile, or the demo when none is configured."""
    from .config import ConfigError, demo_profiles, load_config

    demo_options = None
    try:
        cfg = load_config()
        if args.demo or (args.profile is None and not cfg.profiles):
            from .emulator.options import EmulatorOptions

            profiles = demo_profiles(args.speed)
            demo_options = EmulatorOptions(seed=args.seed, speed=args.speed, scale=args.scale,
                                           hostile=args.hostile)
        elif args.profile or cfg.default:
            profiles = [cfg.get(args.profile)]
        else:
            profiles = list(cfg.profiles.values())
    except ConfigError as exc:
        print(f"cleanroom-tui: {exc}", file=sys.stderr)
        return 2
    for warning in getattr(cfg, "warnings", []):
        print(f"cleanroom-tui: warning: {warning}", file=sys.stderr)
    from .ui.app import run

    return run(profiles, demo_options=demo_options, readonly=args.readonly)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
