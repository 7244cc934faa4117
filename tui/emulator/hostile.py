"""Hostile strings in every free-text field of both emulated worlds (issue 10).

Every string on an operator's screen was typed by another company. ``EmulatorOptions(hostile=True)``
(``cleanroom-tui emulator --hostile``, ``cleanroom-tui --demo --hostile``) replaces the names,
descriptions, partner names, event messages, failure reasons, result cells and column names of
the seeded worlds with the corpus in ``hostile_strings.json`` (a copy of
``tests/data/hostile_strings.json``): Rich/Textual markup, ANSI/OSC escape sequences, C0/C1
controls, NUL, a 10k-character string, combining marks, bidi overrides, emoji, lone surrogates.

Lone surrogates cannot be encoded as UTF-8, so Starlette's JSON answers could not carry them.
The worlds hold a stand-in (U+FDD0, a noncharacter) instead, and :class:`SurrogateMiddleware`
writes each one out the way a broken upstream would: ``\\ud800`` inside JSON (valid JSON text,
an invalid string), raw invalid UTF-8 bytes in anything else (CSV).

Seeding is deterministic: fields take the corpus entries in a fixed rotation.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CORPUS_FILE = Path(__file__).with_name("hostile_strings.json")
#: what the worlds hold in place of a lone surrogate (see the module docstring)
SURROGATE_STAND_IN = "\ufdd0"
_STAND_IN_UTF8 = SURROGATE_STAND_IN.encode()


def _expand(entry: dict) -> str:
    if "repeat" in entry:
        unit, length = entry["repeat"], int(entry["length"])
        return (unit * (length // len(unit) + 1))[:length]
    return entry["text"]


@cache
def corpus(path: str | None = None) -> tuple[tuple[str, str], ...]:
    """``(id, text)`` pairs of the corpus, lone surrogates included (as Python strings)."""
    data = json.loads(Path(path or CORPUS_FILE).read_text(encoding="utf-8"))
    return tuple((e["id"], _expand(e)) for e in data["strings"])


def _storable(text: str) -> str:
    return "".join(SURROGATE_STAND_IN if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)


class Rotation:
    """Hands out corpus strings in a fixed order; ``unique`` ones carry a suffix (names used as keys)."""

    def __init__(self, texts: tuple[str, ...] | None = None) -> None:
        given = [text for _id, text in corpus()] if not texts else list(texts)
        self._texts = [_storable(text) for text in given]
        self._n = 0

    @property
    def texts(self) -> list[str]:
        return self._texts

    def next(self, *, unique: bool = False) -> str:
        text = self._texts[self._n % len(self._texts)]
        self._n += 1
        return f"{text} #{self._n}" if unique else text


def _set(obj: Any, names: tuple[str, ...], rot: Rotation, *, unique: bool = False) -> None:
    for name in names:
        if isinstance(getattr(obj, name, None), str):
            setattr(obj, name, rot.next(unique=unique))


def seed_liveramp(world: Any, rot: Rotation) -> None:
    values = Rotation(tuple(rot.texts))
    for org in world.orgs.values():
        _set(org, ("name",), rot)
    for person in world.people.values():
        _set(person, ("name",), rot)
    for room in world.cleanrooms.values():
        _set(room, ("name", "description"), rot)
        for dataset in room.datasets:
            _set(dataset, ("name",), rot)
    templates: dict[int, Any] = {}
    for question in world.org_questions.values():
        question.title = rot.next()
        # templates are module-level catalog objects shared by every world: edit a private copy
        original = question.template
        template = templates.get(id(original))
        if template is None:
            template = templates[id(original)] = copy.deepcopy(original)
            _set(template, ("title", "description"), rot)
            for param in template.params:
                _set(param, ("display_name", "description"), rot)
            for column in template.columns:
                column.field_name = rot.next(unique=True)  # columnName = field_name.upper(): keys a row
                if column.values:
                    column.values = tuple(rot.next() for _ in column.values)  # result cells
        question.template = template
    for run in world.runs.values():
        _set(run, ("name",), rot)
        # what "run again" pre-fills the launch form with (issue 16); a rotation of their own, so
        # the other fields keep the strings they always had
        for name in list(run.parameters):
            run.parameters[name] = values.next()
        for part in run.partition_parameters:
            part["value"] = values.next()
        if run.plan.failure_reason:
            run.plan.failure_reason = rot.next()
            run.plan.run_message = rot.next()
    for flow in world.flows.values():
        _set(flow, ("name", "description"), rot)
    for flow_run in world.flow_runs.values():
        _set(flow_run, ("name",), rot)
        if flow_run.plan.failure:
            flow_run.plan.failure = rot.next()
    for group in (world.schedules, world.partner_accounts, world.export_jobs, world.data_connections):
        for item in group.values():
            _set(item, ("name", "description"), rot)


def seed_infosum(world: Any, rot: Rotation) -> None:
    for company in world.companies.values():
        company.display_name = rot.next()
    for user in world.users.values():
        user.display_name = rot.next()
    for dataset in world.datasets.values():
        _set(dataset, ("public_name", "description"), rot)
        for attribute in dataset.attributes:
            attribute.label = rot.next()
    for destination in world.destinations.values():
        _set(destination, ("name", "description"), rot)
    for collab in world.collaborations.values():
        _set(collab, ("name", "description"), rot)
        for permission in collab.datasets:  # looked up by name: keep them distinct
            permission.collaboration_dataset_name = rot.next(unique=True)
        collab.events.renderer = _hostile_renderer(collab.events.renderer, rot.next(), rot.texts)
        details = collab.events.details
        for i, detail in enumerate(details):  # events stored with their text (not rendered later)
            if not isinstance(detail, int):
                details[i] = type(detail)(rot.next(), dict(detail.metadata), [dict(e) for e in detail.entities])


def _hostile_renderer(inner: Any, salt: str, texts: list[str]) -> Any:
    """Event messages: each seeded event's message becomes a corpus string (rotating by variant)."""
    offset = len(salt)

    def render(event_type: str, company_id: str, variant: int, when: Any) -> Any:
        detail = inner(event_type, company_id, variant, when) if inner is not None else None
        from .infosum.events import EventDetail

        message = texts[(variant + offset) % len(texts)]
        if detail is None:
            return EventDetail(message)
        return EventDetail(message, dict(detail.metadata), [dict(e) for e in detail.entities])

    render.catalog = getattr(inner, "catalog", None)  # type: ignore[attr-defined]
    return render


def seed(liveramp_world: Any, infosum_world: Any, strings: tuple[str, ...] | None = None) -> None:
    """Make both worlds hostile (called by ``create_app`` when ``options.hostile``); ``strings``
    replace the corpus (``options.hostile_strings``)."""
    rot = Rotation(strings)
    seed_liveramp(liveramp_world, rot)
    seed_infosum(infosum_world, rot)


class SurrogateMiddleware:
    """Writes the surrogate stand-in out as a real lone surrogate (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, keep)
        if start is None:
            return
        body = b"".join(chunks)
        headers = list(start.get("headers", []))
        if _STAND_IN_UTF8 in body:
            ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
            # JSON: an escaped lone surrogate (json.loads gives "\ud800"); else bytes no decoder accepts
            body = body.replace(_STAND_IN_UTF8, b"\\ud800" if b"json" in ctype else b"\xed\xa0\x80")
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
