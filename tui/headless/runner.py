"""Running one headless command: its output mode, its profiles (the TUI's rule), logging to stderr,
the shared store, and every failure turned into an exit code and a stderr line
(:func:`run`, called by :func:`tui.headless.main`). Split out of :mod:`tui.headless.context`."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import exitcodes
from .context import Context, ReadError, UsageError
from .output import JSON, JSONL, TABLE, Output

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Profile
    from ..emulator.options import EmulatorOptions


def output_mode(args: argparse.Namespace) -> str:
    if getattr(args, "jsonl", False):
        return JSONL
    if getattr(args, "json", False):
        return JSON
    return TABLE


def select_profiles(args: argparse.Namespace, out: Output) -> tuple[list[Profile], EmulatorOptions | None]:
    """The profiles to use (the TUI's rule); raises ConfigError."""
    from ..config import demo_profiles, load_config

    cfg = load_config()
    for warning in cfg.warnings:
        out.warn(warning)
    if getattr(args, "demo", False) or (getattr(args, "profile", None) is None and not cfg.profiles):
        from ..emulator.options import EmulatorOptions

        speed = float(getattr(args, "speed", 60.0))
        from ..config import state_dir

        # per-process ids and the kept runs: ``watch ID --demo`` after ``launch --demo`` finds the run
        options = EmulatorOptions.demo(state_dir(), seed=int(getattr(args, "seed", 7)), speed=speed,
                                       scale=int(getattr(args, "scale", 1)))
        if not getattr(args, "demo", False):
            out.note("no profile configured: using the built-in demo (see README: Profiles)", once="demo")
        return demo_profiles(speed), options
    if getattr(args, "profile", None) or cfg.default:
        return [cfg.get(getattr(args, "profile", None))], None
    return list(cfg.profiles.values()), None


def configure_logging(verbose: bool) -> None:
    """Library warnings (store trouble, retries) to stderr; never to stdout."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("cleanroom-tui: %(levelname)s: %(message)s"))
    root = logging.getLogger("tui")
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    root.propagate = False


def open_store(out: Output) -> Any:
    try:
        from ..store import Store

        store = Store.open()
    except Exception as exc:  # no cache is better than no answer
        out.warn(f"cache unavailable ({exc}); continuing without it")
        return None
    for warning in store.warnings:
        out.warn(warning)
    return store


def _quiet_stdout() -> None:
    """After a closed pipe (``| head``): send the rest to /dev/null so exit does not complain."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _api_error(exc: BaseException) -> bool:
    """Is this the HTTP layer's ApiError? (checked without importing httpx when it never ran)"""
    http = sys.modules.get("tui.api.http")
    return http is not None and isinstance(exc, http.ApiError)


Command = Callable[[Context], int]


def _unknown_or_api_error(exc: Any) -> int:
    """A 404 that ends a command means the id it was given is unknown: a usage error (2, as the
    README's exit codes say), not an API failure (3)."""
    return exitcodes.USAGE if getattr(exc, "status", None) == 404 else exitcodes.API_ERROR


def run(args: argparse.Namespace, command: Command) -> int:
    """Run ``command`` in a fresh context; every failure becomes an exit code and a stderr line."""
    out = Output(output_mode(args), verbose=bool(getattr(args, "verbose", False)))
    configure_logging(out.verbose)
    from ..config import ConfigError

    try:
        profiles, demo_options = select_profiles(args, out)
    except ConfigError as exc:
        out.error(str(exc))
        return exitcodes.USAGE
    store = open_store(out)
    ctx = Context(args, out, store, profiles, demo_options)
    try:
        try:
            code = command(ctx)
        except (UsageError, ConfigError, PermissionError) as exc:
            out.error(str(exc))
            return exitcodes.USAGE
        except ReadError as exc:
            ctx.report(exc)
            code = _unknown_or_api_error(exc)
        except Exception as exc:
            if not _api_error(exc):
                raise
            ctx.report(exc)
            code = _unknown_or_api_error(exc)
        return ctx.finish(code)
    except KeyboardInterrupt:
        ctx.engine.cancel()
        out.note("interrupted")
        return exitcodes.INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return exitcodes.OK
    finally:
        ctx.close()
        if store is not None:
            store.close()


__all__ = ["Command", "configure_logging", "open_store", "output_mode", "run", "select_profiles"]
