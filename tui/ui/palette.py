"""Command palette providers (``:`` / ctrl+p).

- :class:`JumpProvider`: any room, question, run, flow or collaboration known locally, by name, id
  or display id (CR-045144, CRQ-136017); an exact id match ranks first.
- :class:`ActionsProvider`: the current screen's commands, from the same table as the footer and
  the help screen (``bindings.COMMANDS``).

Names come from other companies: prompts are built as plain ``Content`` (never markup) with the
fuzzy-match highlight applied by offset.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape
from textual.style import Style

from ..core.sanitize import plain
from .bindings import COMMANDS, key_label
from .jump_index import KIND_LABELS, Target

if TYPE_CHECKING:  # pragma: no cover
    from .app import CleanroomApp

_MATCH = Style(bold=True, underline=True)


def _highlight(matcher, candidate: str) -> Content:
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if not score:
        return content
    for offset in offsets:
        if offset < len(candidate) and not candidate[offset].isspace():
            content = content.stylize(_MATCH, offset, offset + 1)
    return content


def _help(target: Target) -> str:
    kind = KIND_LABELS.get(target.kind, target.kind)
    where = " › ".join(plain(p.label, 60) for p in target.path)
    text = f"{kind} · {plain(target.session, 40)}" + (f" · in {where}" if where else "")
    return escape(text)


class JumpProvider(Provider):
    @property
    def cr_app(self) -> CleanroomApp:
        return self.app  # type: ignore[return-value]

    async def search(self, query: str) -> Hits:
        app = self.cr_app
        matcher = self.matcher(query)
        needle = query.strip().casefold()
        for target in list(app.jumps):
            label = plain(target.label, 120)
            score = matcher.match(plain(target.search_text, 300))
            if needle and needle in (target.id.casefold(), target.display_id.casefold()):
                score += 1000.0  # fuzzy scores are unbounded: an exact id must still win
            if score > 0:
                yield Hit(score, _highlight(matcher, label), partial(app.open_target, target),
                          text=label, help=_help(target))

    async def discover(self) -> Hits:
        app = self.cr_app
        for target in list(app.jumps):
            if target.kind in ("room", "collaboration"):
                label = plain(target.label, 120)
                yield DiscoveryHit(Content(label), partial(app.open_target, target), text=label,
                                   help=_help(target))


class ActionsProvider(Provider):
    """The screen's own commands, runnable by name."""

    def _available(self):
        screen = self.screen
        for command in COMMANDS:
            if command.id in ("jump", "open", "down", "up", "top", "bottom"):
                continue
            namespace, _, name = command.action.rpartition(".")
            target = self.app if namespace == "app" else screen
            if not hasattr(target, f"action_{name}"):
                continue
            if target.check_action(name, ()) is False:
                continue
            yield command, target, name

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, target, name in self._available():
            text = f"{command.description} ({key_label(command)})"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, _highlight(matcher, text), partial(target.run_action, name),
                          text=text, help=escape(command.help))

    async def discover(self) -> Hits:
        for command, target, name in self._available():
            text = f"{command.description} ({key_label(command)})"
            yield DiscoveryHit(Content(text), partial(target.run_action, name), text=text,
                               help=escape(command.help))
