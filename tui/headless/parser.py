"""argparse definitions of the headless commands (imports nothing but argparse: start-up stays fast).

Profile flags (``--profile``, ``--demo``, ``--seed``, ``--speed``, ``--scale``) are accepted both
before and after the command name; after it they default to ``SUPPRESS`` so they never overwrite
a value given before it.
"""

from __future__ import annotations

import argparse

from .exitcodes import TABLE

COMMANDS = ("rooms", "runs", "run", "events", "watch", "status", "launch", "compare", "schedules", "exports", "collaborations")

EXIT_CODES = "exit codes:\n" + "\n".join(f"  {code:<4}{text}" for code, text in TABLE)

_HELP = {
    "rooms": ("list clean rooms (LiveRamp) and collaborations (InfoSum)",
              "The clean rooms and/or collaborations of the selected profile(s)."),
    "runs": ("list question runs (filter by room, question, status, time)",
             "Question runs across the profile's clean rooms, newest first: the newest 100 runs of each "
             "question. --status takes an ALL-CAPS platform status (exact) or a lifecycle word "
             "(failed, running, queued, waiting, succeeded, cancelled, paused, unknown)."),
    "run": ("show one question run", "One question run in detail (one status read of the run)."),
    "events": ("an InfoSum collaboration's event log (filters as in the API, --follow)",
               "The event log of one collaboration. --type/--company become the API's filter, --order its "
               "order_by; --since reads back to that time; --follow polls for new events until Ctrl-C."),
    "watch": ("watch runs through the budgeted watcher (--until-done)",
              "The status of runs, read within the profile's status budget. With --until-done: poll until "
              "every run has finished, printing each change; exit 1 if any failed."),
    "status": ("one-screen summary: running, failed in 24 h, budgets left",
               "Per profile: runs still going, runs failed in the last 24 h, and the token, creation and "
               "status-read budgets left."),
    "launch": ("launch a question run (validated, duplicate-guarded, confirmed)",
               "Launch one run of a cleanroom question, with the TUI's validation, duplicate guard, "
               "creation budget and launch journal. Asks for confirmation; --yes answers it."),
    "compare": ("compare two runs' parameters, timings and results (or two InfoSum insight queries)",
                "Two completed question runs compared: parameters side by side, status and timings, row counts, "
                "and the results joined on their dimension columns with each measure in both runs and its "
                "change, largest change first. RUN_B defaults to the previous completed run of RUN_A's "
                "question. A is the earlier run, B the later. Results are read page by page up to --rows per "
                "run; the output says what was compared. With an InfoSum profile: two insight query ids."),
    "schedules": ("list run schedules (every question, or --question)",
                  "The run schedules of the profile's cleanroom questions: state (active/paused), cadence, "
                  "start and end, parameters. One schedules read per question (not a status read)."),
    "exports": ("list export jobs and their latest run (every room, or --room)",
                "The export jobs of the profile's clean rooms: state (ACTIVE/PAUSED), question, destination, "
                "and the latest run's status, records and error. One jobs read per room, then one runs read "
                "per job (a status read charged to the job)."),
    "collaborations": ("list InfoSum collaborations, or create one (create … --yes)",
                       "The InfoSum profile's collaborations. `collaborations create --name N --member "
                       "COMPANY_ID[:RIGHTS] … --yes` creates one owned by your company: RIGHTS are operator, "
                       "contributor, detailed_logs (comma-separated; none for none; default operator). Members "
                       "cannot be added later; the exact request is printed before it is sent."),
}


def _common(p: argparse.ArgumentParser) -> None:
    prof = p.add_argument_group("profile")
    prof.add_argument("--profile", default=argparse.SUPPRESS, help="profile name from the config file")
    prof.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                      help="use the built-in demo (in-process emulator)")
    prof.add_argument("--seed", type=int, default=argparse.SUPPRESS, help="demo: world seed (default 7)")
    prof.add_argument("--speed", type=float, default=argparse.SUPPRESS,
                      help="demo: world seconds per real second (default 60)")
    prof.add_argument("--scale", type=int, default=argparse.SUPPRESS, help="demo: volume multiplier")
    out = p.add_argument_group("output")
    fmt = out.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON document on stdout")
    fmt.add_argument("--jsonl", action="store_true", help="one JSON object per line on stdout")
    out.add_argument("--allow-stale", action="store_true",
                     help="exit 0 (not 4) when the platform is unreachable and cached data is shown")
    out.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")


def _since(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--since", metavar="WHEN",
                   help=f"only {what} since WHEN: YYYY-MM-DD, YYYY-MM-DDTHH:MM[Z] or a span (30m, 24h, 7d)")


def add_commands(sub: argparse._SubParsersAction, only: str | None = None) -> None:
    """Register the headless commands (every one, or ``only`` that one) on the top-level parser's subparsers."""
    for name in COMMANDS if only is None else (only,):
        short, long = _HELP[name]
        p = sub.add_parser(name, help=short, description=long, epilog=EXIT_CODES,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        _common(p)
        _DEFINE[name](p)


def _runs(runs: argparse.ArgumentParser) -> None:
    runs.add_argument("--room", action="append", metavar="ROOM", help="clean room id, CR- display id or name")
    runs.add_argument("--question", action="append", metavar="QUESTION",
                      help="cleanroom question id, CRQ- display id or name")
    runs.add_argument("--status", action="append", metavar="STATUS",
                      help="platform status (FAILED) or lifecycle word (failed); comma-separated or repeated")
    _since(runs, "runs submitted")
    runs.add_argument("--limit", type=int, metavar="N", help="only the newest N runs (after filtering)")


def _run(run: argparse.ArgumentParser) -> None:
    run.add_argument("run_id", metavar="RUN_ID", help="question run id")


def _events(events: argparse.ArgumentParser) -> None:
    events.add_argument("collaboration", metavar="COLLAB", help="collaboration id (CLB.…) or exact name")
    events.add_argument("--type", action="append", metavar="TYPE",
                        help="event type, with or without TYPE_ (e.g. DATASET_ADDED); repeatable")
    events.add_argument("--company", action="append", metavar="COMPANY",
                        help="company id (CMP.…) or member display name; repeatable")
    _since(events, "events")
    events.add_argument("--order", choices=("asc", "desc"), help="by event time (default desc)")
    events.add_argument("--limit", type=int, default=100, metavar="N",
                        help="read at most N events (default 100; 0 = all)")
    events.add_argument("--follow", "-f", action="store_true", help="keep polling and print new events")
    events.add_argument("--interval", type=float, default=5.0, metavar="S",
                        help="--follow: seconds between polls (default 5)")


def _watch(watch: argparse.ArgumentParser) -> None:
    watch.add_argument("run_ids", nargs="+", metavar="RUN_ID", help="question run ids")
    watch.add_argument("--until-done", action="store_true", help="poll until every run has finished")
    watch.add_argument("--timeout", type=float, metavar="S", help="with --until-done: give up after S seconds (exit 5)")


def _launch(launch: argparse.ArgumentParser) -> None:
    launch.add_argument("question", metavar="QUESTION", help="cleanroom question id, CRQ- display id or name")
    launch.add_argument("--param", action="append", metavar="NAME=VALUE", help="run-time parameter; repeatable")
    launch.add_argument("--partition", action="append", metavar="NAME=VALUE",
                        help="partition parameter; repeatable")
    launch.add_argument("--name", help="run name (default: question title · dates · time stamp)")
    launch.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    launch.add_argument("--allow-duplicate", action="store_true",
                        help="launch even if the same parameters were launched in the last 15 min")
    launch.add_argument("--readonly", action="store_true", default=argparse.SUPPRESS,
                        help="refuse every write (the launch is refused)")


def _compare(compare: argparse.ArgumentParser) -> None:
    compare.add_argument("run_a", metavar="RUN_A", help="question run id (InfoSum: insight query id)")
    compare.add_argument("run_b", metavar="RUN_B", nargs="?",
                         help="the other run (default: the previous completed run of RUN_A's question)")
    compare.add_argument("--rows", type=int, default=50_000, metavar="N",
                         help="compare at most the first N result rows of each run (default 50,000)")
    compare.add_argument("--limit", type=int, metavar="N",
                         help="show only the N largest changes (default: 20 as text, all with --json)")
    compare.add_argument("--out", metavar="FILE",
                         help="also write the whole comparison to FILE (.json: JSON, else CSV); never replaces a file")


def _schedules(schedules: argparse.ArgumentParser) -> None:
    schedules.add_argument("--question", action="append", metavar="QUESTION",
                           help="cleanroom question id, CRQ- display id or name; repeatable")


def _exports(exports: argparse.ArgumentParser) -> None:
    exports.add_argument("--room", action="append", metavar="ROOM",
                         help="clean room id, CR- display id or name; repeatable")


def _collaborations(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", nargs="?", choices=("list", "create"), default="list",
                   help="list (default) or create")
    p.add_argument("--name", help="create: the collaboration's name")
    p.add_argument("--description", help="create: its purpose (optional)")
    p.add_argument("--member", action="append", metavar="COMPANY_ID[:RIGHTS]",
                   help="create: a partner company and its rights (operator,contributor,detailed_logs); repeatable")
    p.add_argument("--my-rights", metavar="RIGHTS", help="create: your own company's rights (default: all three)")
    p.add_argument("--yes", "-y", action="store_true", help="create: do not ask for confirmation")
    p.add_argument("--readonly", action="store_true", default=argparse.SUPPRESS,
                   help="refuse every write (create is refused)")


def _nothing(p: argparse.ArgumentParser) -> None:
    """``rooms`` and ``status`` take only the common options."""


_DEFINE = {"rooms": _nothing, "runs": _runs, "run": _run, "events": _events, "watch": _watch, "status": _nothing,
           "launch": _launch, "compare": _compare,
           "schedules": _schedules, "exports": _exports, "collaborations": _collaborations}


__all__ = ["COMMANDS", "EXIT_CODES", "add_commands"]
