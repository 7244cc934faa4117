"""Every key the app answers to, defined once.

The footer (Textual ``Binding``s built from these), the help screen and the command palette's
action list all read this table, so they cannot disagree. Each command has a stable id, usable in
a Textual keymap (``App.set_keymap({"refresh": "f5"})``).

Which keys the footer shows (``show``) — every key is always in the help screen and the palette:

- Always: Help, Jump, Quit (the footer puts them first, so a narrow terminal clips the rest),
  then Open, Back, Refresh and Filter.
- Per screen, only the keys a user needs to find their way: the action the screen is for (Launch,
  Run again, Add dataset, Event log / Timeline, Insight query, More rows, API filter, Same
  type/company, the log's Export, Dismiss, Resume/Replay, Watch).
- Help only (``show=False``): movement, sorting, tabs, Copy id, the table Export, the profile
  switcher and the Runs board (global keys, listed first in help), rare or destructive writes
  (delete a question, change a role, add a destination, remove, close, leave) and a log's
  secondary keys (order, pause, jump to time — the status line names ``o`` and ``p``).
- Budget: at 120 columns every shown key of a screen fits (the event log is the longest, ~116
  cells); at 80 (compact footer) Help, Jump, Quit, Open, Back, Refresh, Filter and the screen's
  first key or two fit. A new key for a screen that would overflow 120 gets ``show=False``.
  README's key table is generated from this table (``python scripts/keys_table.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Command:
    id: str
    keys: str
    action: str
    description: str
    help: str
    #: where it applies, the help screen's section
    scope: str
    show: bool = True
    #: changes something on the platform: confirmed first, hidden and refused in read-only mode
    write: bool = False
    #: shown in the footer/help instead of Textual's key names
    key_display: str | None = None
    priority: bool = False

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.description, show=self.show, id=self.id,
                       tooltip=self.help, key_display=self.key_display, priority=self.priority)


SCOPES = {
    "global": "Everywhere",
    "screen": "On every screen",
    "table": "In a table",
    "room": "Clean room",
    "collaboration": "Collaboration",
    "results": "Run results",
    "log": "Event logs",
    "runs": "Launch and watch runs",
    "board": "Runs board",
    "schedules": "Run schedules (a question's Schedules tab)",
    "exports": "Export jobs",
}

COMMANDS: tuple[Command, ...] = (
    # everywhere
    Command("quit", "q", "app.quit", "Quit", "Leave the app", "global"),
    Command("help", "question_mark,f1", "app.help", "Help", "Show every key and what it does", "global",
            key_display="?"),
    Command("jump", "colon,ctrl+p", "app.command_palette", "Jump",
            "Jump to any room, collaboration, question or run by name or id (CR-…, CRQ-…)", "global",
            key_display=":"),
    Command("switch-profile", "P", "app.switch_profile", "Profiles",
            "Switch profile: one of the configured profiles, or all of them at once", "global",
            show=False, key_display="P"),
    Command("home", "H", "app.home", "Home", "Go back to the home screen (closing every screen opened "
            "on the way)", "global", show=False, key_display="H"),
    # on every screen
    Command("back", "escape,backspace", "app.back", "Back", "Go back to the previous screen", "screen",
            key_display="esc"),
    Command("refresh", "r", "refresh", "Refresh", "Fetch this screen's data again from the platform",
            "screen"),
    Command("filter", "slash", "filter", "Filter", "Filter the focused table as you type", "screen",
            key_display="/"),
    Command("copy-id", "y", "copy_id", "Copy id", "Copy the selected row's id (else this screen's) to the clipboard", "screen", show=False),
    Command("export", "e", "export", "Export", "Save the focused table as CSV or JSON", "screen",
            show=False),
    Command("next-tab", "right_square_bracket", "next_tab", "Next tab", "Show the next tab", "screen",
            show=False, key_display="]"),
    Command("prev-tab", "left_square_bracket", "prev_tab", "Previous tab", "Show the previous tab",
            "screen", show=False, key_display="["),
    # tables
    Command("open", "enter", "select_cursor", "Open", "Open the selected row", "table"),
    Command("down", "j", "cursor_down", "Down", "Move down (also ↓)", "table", show=False),
    Command("up", "k", "cursor_up", "Up", "Move up (also ↑)", "table", show=False),
    Command("top", "g,home", "scroll_top", "Top", "Go to the first row", "table", show=False),
    Command("bottom", "G,end", "scroll_bottom", "Bottom", "Go to the last row", "table", show=False,
            key_display="G"),
    Command("sort", "s", "sort_next", "Sort", "Sort by the next column; clicking a column header sorts "
            "by that column", "table", show=False),
    Command("reverse", "S", "sort_reverse", "Reverse", "Reverse the sort order (clicking the same "
            "header again does the same)", "table", show=False),
    # clean room
    Command("delete-question", "x", "delete_question", "Delete question",
            "Remove the selected question from this clean room", "room", write=True, show=False),
    Command("change-role", "o", "change_role", "Change role",
            "Change the clean-room role of the selected partner user", "room", write=True, show=False),
    # collaboration
    Command("add-dataset", "a", "add_dataset", "Add dataset", "Add one of your datasets",
            "collaboration", write=True),
    Command("add-destination", "A", "add_destination", "Add destination",
            "Add one of your destinations", "collaboration", write=True, show=False),
    Command("remove-item", "x", "remove_item", "Remove",
            "Remove the selected dataset or destination", "collaboration", write=True, show=False),
    Command("close-collaboration", "C", "close_collaboration", "Close",
            "Close this collaboration for every member (owner only, cannot be undone)",
            "collaboration", write=True, show=False),
    Command("leave-collaboration", "L", "leave_collaboration", "Leave",
            "Leave this collaboration (members only)", "collaboration", write=True, show=False),
    Command("new-collaboration", "n", "new_collaboration", "New collaboration",
            "Create an InfoSum collaboration (home, InfoSum profile): name, members and their rights — "
            "members cannot be added later", "collaboration", write=True),
    # event logs and timelines (screens/events.py, screens/timeline.py)
    Command("open-log", "v", "open_log", "Event log",
            "Open the collaboration's event log (live, filterable, exportable)", "log"),
    Command("open-timeline", "v", "open_timeline", "Timeline",
            "Open the timeline: a clean room's runs, flow runs and audits, or a run's history and audit", "log"),
    Command("log-filter", "f", "focus_server_filter", "API filter",
            "Edit the server-side filter (the API's own grammar: event_type, company_id)", "log"),
    Command("log-same-type", "T", "filter_same_type", "Same type",
            "Filter the log (server-side) to the selected event's type", "log"),
    Command("log-same-company", "c", "filter_same_company", "Same company",
            "Filter the log (server-side) to the selected event's company", "log"),
    Command("log-order", "o", "toggle_order", "Order", "Newest first / oldest first", "log", show=False),
    Command("log-pause", "p", "toggle_tail", "Pause", "Pause or resume the live tail", "log", show=False),
    Command("log-jump-time", "t", "jump_time", "Jump to time", "Go to the first event at or after a time",
            "log", show=False),
    Command("log-export-server", "E", "export_server", "Export",
            "Save the whole filtered log with the API's CSV export, with progress", "log"),
    # launch and watch (issue 6)
    Command("runs-board", "b", "app.runs_board", "Runs board",
            "Every watched and recently finished run, across profiles, updating by itself", "global", show=False),
    Command("launch", "l", "launch", "Launch",
            "Launch a run of this question or flow (a form from its parameters, then a confirmation)",
            "runs", write=True),
    Command("run-again", "R", "run_again", "Run again",
            "Launch again with this run's parameters (the form opens pre-filled)", "runs", write=True),
    Command("watch-run", "w", "watch_run", "Watch", "Watch this run: it appears on the Runs board and "
            "you are told when it finishes", "runs"),
    Command("resume-flow-run", "u", "resume_flow_run", "Resume", "Resume this PAUSED flow run", "runs",
            write=True),
    Command("replay-flow-run", "p", "replay_flow_run", "Replay", "Replay this flow run from a level",
            "runs", write=True),
    Command("insight-query", "i", "insight_query", "Insight query",
            "Compose and run an insight query in this collaboration", "collaboration", write=True),
    Command("compare-runs", "c", "compare", "Compare",
            "Compare runs: the two marked with space, else the selected run (or this one) with the previous "
            "completed run of its question; two insight queries on the board", "runs"),
    Command("mark-run", "space", "mark_run", "Mark", "Mark the selected run for comparison (mark two, then c)",
            "runs", show=False, key_display="space"),
    Command("new-schedule", "n", "new_schedule", "New schedule",
            "Create a run schedule for this question: cadence, parameters (typed, checked), end date", "schedules",
            write=True, show=False),
    Command("edit-schedule", "E", "edit_schedule", "Edit schedule",
            "Change the selected run schedule (enter on it does the same): cadence, parameters, end, active",
            "schedules", write=True, show=False, key_display="E"),
    Command("pause-schedule", "p", "toggle_schedule", "Pause/resume",
            "Pause the selected run schedule, or resume a paused one", "schedules", write=True, show=False),
    Command("delete-schedule", "x", "delete_schedule", "Delete schedule",
            "Delete the selected run schedule (runs it started stay)", "schedules", write=True, show=False),
    Command("dismiss-run", "x", "dismiss_run", "Dismiss",
            "Take the selected finished run off the board (or stop watching an active one)", "board"),
    # export jobs (issue 20.3, screens/exports.py)
    Command("new-export", "n", "new_export", "New export",
            "Create an export job of a question's results to the room's provisioned destinations (a form, "
            "then a confirmation)", "exports", write=True, show=False),
    Command("pause-export", "p", "toggle_export", "Pause/resume",
            "Pause the selected export job, or resume a paused one", "exports", write=True, show=False),
    Command("activate", "n", "activate", "Activate",
            "Activate a dataset to one of this collaboration's destinations, where its rights allow (a form, "
            "then a confirmation)", "collaboration", write=True, show=False),
    Command("push-activation", "p", "push_activation", "Push",
            "Push the completed activation's result to its destination (confirmed first)", "collaboration",
            write=True),
    # results
    Command("load-all", "m", "load_more", "More rows", "Fetch the next page of 500 result rows",
            "results"),
)

BY_ID = {c.id: c for c in COMMANDS}
WRITE_ACTIONS = frozenset(c.action for c in COMMANDS if c.write)
WRITE_KEYS = ",".join(sorted({k for c in COMMANDS if c.write for k in c.keys.split(",")}))


def bindings(*ids: str) -> list[Binding]:
    return [BY_ID[i].binding() for i in ids]


def by_scope(scope: str) -> list[Command]:
    return [c for c in COMMANDS if c.scope == scope]


def key_label(command: Command) -> str:
    """How a key is shown to people: ``?`` rather than ``question_mark``."""
    first = command.key_display or command.keys.split(",")[0]
    others = command.keys.split(",")[1:]
    names = [first, *(_pretty(k) for k in others)]
    return " / ".join(dict.fromkeys(names))


_PRETTY = {"question_mark": "?", "colon": ":", "slash": "/", "escape": "esc", "enter": "enter",
           "left_square_bracket": "[", "right_square_bracket": "]", "backspace": "backspace"}


def _pretty(key: str) -> str:
    return _PRETTY.get(key, key)
