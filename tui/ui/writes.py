"""Every write the browsing screens offer, each behind a confirmation that says exactly what changes.

The confirmation names the HTTP method and path, the objects (names and ids) and the effect.
Writes go through ``Session.write`` (refused in read-only mode) and are sent once: a failure is
reported, never retried (DESIGN.md principle 3) — the screen reloads so you see what happened.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from rich.text import Text
from textual.screen import Screen

from ..core import infosum as isum
from ..core import liveramp as lr
from ..core.reads import Write
from ..core.sanitize import plain
from ..core.session import Session
from .jump_index import Target
from .widgets.load_state import describe_error


def request_text(write: Write[Any]) -> str:
    """The exact request: method, path and the JSON body as it is sent (when there is one)."""
    if write.body is None:
        return write.describe()
    import json

    return f"{write.describe()}  {json.dumps(write.body, ensure_ascii=False)}"


def _body(request: str, objects: Sequence[tuple[str, str]], effect: str) -> Text:
    text = Text()
    text.append("Request  ", style="bold")
    text.append(plain(request, 4000))
    for label, value in objects:
        text.append(f"\n{label:<9}", style="bold")
        text.append(plain(value, 300))
    text.append("\n\n")
    text.append(effect, style="italic")
    text.append("\n\nSent once; not retried automatically.", style="dim")
    return text


def _name(target_or_name: Target | str, ident: str = "") -> str:
    if isinstance(target_or_name, Target):
        t = target_or_name
        shown = f"{t.display_id} " if t.display_id else ""
        return f'{shown}"{t.name}" ({t.id})'
    return f'"{target_or_name}" ({ident})' if ident else f'"{target_or_name}"'


def confirm_and_send(screen: Screen, session: Session, *, title: str, write: Write[Any],
                     objects: Sequence[tuple[str, str]], effect: str, done: str,
                     on_done: Callable[[], Any] | None = None, confirm_label: str = "Confirm",
                     on_answer: Callable[[Any], Any] | None = None) -> None:
    """Show the confirmation (the write's method, path and body); on yes, send it once in a worker
    and report the outcome. ``on_answer(answer)`` runs after a success, before ``on_done``."""
    if session.readonly:
        screen.notify("Read-only mode: writes are disabled.", title="Refused", severity="warning",
                      markup=False)
        return
    if not session.online:
        screen.notify(f"{session.name} is offline: writes are disabled until the platform answers "
                      "again (r retries).", title="Refused", severity="warning", markup=False)
        return
    from .screens.confirm import ConfirmScreen

    async def send() -> None:
        try:
            answer = await session.write(write)
        except Exception as exc:
            screen.notify(describe_error(exc).plain, title=f"{title}: failed", severity="error",
                          markup=False, timeout=15)
        else:
            screen.notify(done, title=title, markup=False)
            if on_answer is not None:
                on_answer(answer)
        if on_done is not None:
            on_done()

    def answered(ok: bool | None) -> None:
        if ok:
            screen.run_worker(send(), group="write", exit_on_error=False, description=title)

    screen.app.push_screen(ConfirmScreen(title, _body(request_text(write), objects, effect),
                                         confirm_label=confirm_label), answered)


# --------------------------------------------------------------------------- LiveRamp

def delete_question(screen: Screen, session: Session, room: Target, question: Any,
                    on_done: Callable[[], Any] | None = None) -> None:
    confirm_and_send(
        screen, session, title="Delete question from clean room",
        write=lr.delete_question(question.id),
        objects=[("Question", _name(f"{question.display_id} {question.name}".strip(), question.id)),
                 ("Room", _name(room))],
        effect="The question is removed from this clean room for every partner, with its schedules; "
               "runs can no longer be started from it. This cannot be undone.",
        done=f"Deleted {question.display_id or question.id} from {room.display_id or room.name}.",
        on_done=on_done, confirm_label="Delete question")


def change_role(screen: Screen, session: Session, room: Target, user: Any, partner: Any,
                on_done: Callable[[], Any] | None = None) -> None:
    """Pick a role (from the room's roles), then confirm."""
    from .screens.pick import PickScreen

    async def pick() -> None:
        try:
            roles = (await session.load(lr.roles_of(room.id, partner.id if partner is not None else None))).value
        except Exception as exc:
            screen.notify(describe_error(exc).plain, title="Could not list roles", severity="error",
                          markup=False)
            return
        current = user.role.id if user.role else None
        choices = [(r.id, Text(plain(r.name, 60) + ("  (current)" if r.id == current else "")))
                   for r in roles]

        def chosen(role_id: str | None) -> None:
            role = next((r for r in roles if r.id == role_id), None)
            if role is None or role.id == current:
                return
            person = user.user
            who = f"{person.name} <{person.email}>" if person else user.id
            write = lr.set_role(room.id, partner.id if partner is not None else None, user.id, role.id)
            confirm_and_send(
                screen, session, title="Change clean-room role", write=write,
                objects=[("User", _name(who, user.id)),
                         ("Partner", _name(partner.name, partner.id) if partner else "(your organization)"),
                         ("Room", _name(room)),
                         ("Role", f'{user.role.name if user.role else "none"} → {role.name} ({role.id})')],
                effect="The user's permissions in this clean room change immediately.",
                done=f"Role changed to {role.name}.", on_done=on_done, confirm_label="Change role")

        screen.app.push_screen(PickScreen("New role for " + plain(
            user.user.name if user.user else user.id, 60), choices), chosen)

    screen.run_worker(pick(), group="roles", exclusive=True, exit_on_error=False)


# --------------------------------------------------------------------------- InfoSum

def close_collaboration(screen: Screen, session: Session, collab: Target,
                        on_done: Callable[[], Any] | None = None) -> None:
    confirm_and_send(
        screen, session, title="Close collaboration",
        write=isum.close_collaboration(collab.id),
        objects=[("Collab.", _name(collab))],
        effect="The collaboration becomes STATUS_CLOSED for every member: no more queries, "
               "activations or changes. Closing cannot be undone.",
        done=f"Closed {collab.name}.",
        on_done=on_done, confirm_label="Close collaboration")


def leave_collaboration(screen: Screen, session: Session, collab: Target,
                        on_done: Callable[[], Any] | None = None) -> None:
    confirm_and_send(
        screen, session, title="Leave collaboration",
        write=isum.leave_collaboration(collab.id),
        objects=[("Collab.", _name(collab)), ("Company", session.org_name or "(this API key's company)")],
        effect="Your company leaves the collaboration: its datasets and destinations are removed "
               "from it and you lose access. Only the owner could invite you again (by creating a "
               "new collaboration).",
        done=f"Left {collab.name}.",
        on_done=on_done, confirm_label="Leave collaboration")


def remove_dataset(screen: Screen, session: Session, collab: Target, dataset_id: str, name: str,
                   on_done: Callable[[], Any] | None = None) -> None:
    confirm_and_send(
        screen, session, title="Remove dataset from collaboration",
        write=isum.remove_dataset(collab.id, dataset_id),
        objects=[("Dataset", _name(name, dataset_id)), ("Collab.", _name(collab))],
        effect="Members can no longer query or activate this dataset in this collaboration.",
        done=f"Removed {name}.",
        on_done=on_done, confirm_label="Remove dataset")


def remove_destination(screen: Screen, session: Session, collab: Target, destination_id: str,
                       name: str, on_done: Callable[[], Any] | None = None) -> None:
    confirm_and_send(
        screen, session, title="Remove destination from collaboration",
        write=isum.remove_destination(collab.id, destination_id),
        objects=[("Dest.", _name(name, destination_id)), ("Collab.", _name(collab))],
        effect="Activations in this collaboration can no longer export to this destination.",
        done=f"Removed {name}.",
        on_done=on_done, confirm_label="Remove destination")


def add_destination(screen: Screen, session: Session, collab: Target, exclude: set[str],
                    on_done: Callable[[], Any] | None = None) -> None:
    from .screens.pick import PickScreen

    async def pick() -> None:
        try:
            owned = (await session.load(isum.own_destinations())).value
        except Exception as exc:
            screen.notify(describe_error(exc).plain, title="Could not list destinations",
                          severity="error", markup=False)
            return
        items = [d for d in owned if d.id not in exclude]
        choices = [(d.id, Text(f"{plain(d.name, 60)}  ({plain(d.id, 60)})")) for d in items]

        def chosen(dest_id: str | None) -> None:
            dest = next((d for d in items if d.id == dest_id), None)
            if dest is None:
                return
            confirm_and_send(
                screen, session, title="Add destination to collaboration",
                write=isum.add_destination(collab.id, dest.id),
                objects=[("Dest.", _name(dest.name, dest.id)), ("Collab.", _name(collab))],
                effect="Members with operator rights can export activations to this destination.",
                done=f"Added {dest.name}.",
                on_done=on_done, confirm_label="Add destination")

        screen.app.push_screen(PickScreen("Add which destination?", choices), chosen)

    screen.run_worker(pick(), group="pick", exclusive=True, exit_on_error=False)


def _dataset_name_problem(name: str, taken: Collection[str]) -> str | None:
    from ..api.infosum import validate_dataset_name

    try:
        validate_dataset_name(name)
    except ValueError:
        return f"{plain(name, 40)} is not a valid name: use 1–17 letters or digits, nothing else."
    if name in taken:  # the platform refuses a name used twice in one collaboration
        return f"{plain(name, 40)} is already a dataset's name in this collaboration: choose another."
    return None


def add_dataset(screen: Screen, session: Session, collab: Target, exclude: set[str],
                on_done: Callable[[], Any] | None = None, taken: Collection[str] = ()) -> None:
    """Pick one of the company's datasets, name it for the collaboration, confirm."""
    from .screens.pick import PickScreen
    from .screens.prompt import PromptScreen

    async def pick() -> None:
        try:
            owned = (await session.load(isum.own_datasets())).value
        except Exception as exc:
            screen.notify(describe_error(exc).plain, title="Could not list datasets", severity="error",
                          markup=False)
            return
        items = [d for d in owned if d.dataset_id not in exclude]
        choices = [(d.dataset_id, Text(f"{plain(d.public_name or d.dataset_id, 60)}  "
                                        f"({plain(d.dataset_id, 60)})")) for d in items]

        def chosen(dataset_id: str | None) -> None:
            ds = next((d for d in items if d.dataset_id == dataset_id), None)
            if ds is None:
                return
            # ASCII only and ≤ 17: the suggestion must pass the rule it is checked against
            suggested = "".join(ch for ch in (ds.public_name or "dataset") if ch.isascii() and ch.isalnum())[:17]

            def named(name: str | None) -> None:
                if not name:
                    return
                confirm_and_send(
                    screen, session, title="Add dataset to collaboration",
                    write=isum.add_dataset(collab.id, ds.dataset_id, name),
                    objects=[("Dataset", _name(ds.public_name or ds.dataset_id, ds.dataset_id)),
                             ("As", name), ("Collab.", _name(collab)),
                             ("Rules", "intersection only; no attribute restriction; "
                                       "activation not allowed; exportable to nobody")],
                    effect="Members can run insight queries against this dataset (intersected with "
                           "another dataset).",
                    done=f"Added {name}.", on_done=on_done, confirm_label="Add dataset")

            screen.app.push_screen(PromptScreen(
                "Name of the dataset inside the collaboration:", suggested or "dataset1",
                help="1–17 letters or digits (A–Z, a–z, 0–9); members use this name in queries.",
                check=lambda name: _dataset_name_problem(name, taken)), named)

        screen.app.push_screen(PickScreen("Add which dataset?", choices), chosen)

    screen.run_worker(pick(), group="pick", exclusive=True, exit_on_error=False)
