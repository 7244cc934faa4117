"""Launch forms: the fields of a question run or flow run, their defaults, and the exact request body.

API (re-exported by :mod:`tui.core.launch`)::

    form = LaunchForm.from_question(params, last_run=None, *, question_id, title=None, now=None)
    form = LaunchForm.from_run(params, run, *, question_id, ...)     # "run again with the same parameters"
    form.fields                       # [ParamField] in the platform's order (name, label, kind, required,
                                      #  choices, default, partition, range_role ...)
    form.values                       # {field.key: text}: defaults, or the last run's values
    form.set_value(key, text); form.set_name(text)
    form.errors()  -> {key: message}  # per field ("name" for the run name), before anything is sent
    form.build_request() -> dict      # the exact JSON body create-run will post; raises InvalidParameters

    FlowLaunchForm.from_flow(flow_params, last_run=None, *, cleanroom_id, flow_id, title="", now=None)
    flow_form.pause_level = "Level-1"   # optional: stop after that level
    flow_form.build_request() -> dict   # the exact CreateCleanroomFlowRunInput body

The default run name is ``"<title> · <date range or date> · <YYYY-MM-DD HH:MM>"`` (the platform asks
for distinct, meaningful names, reference §3). It follows the values until the user edits it.
``now`` stamps the name; pass a local-time ``datetime`` to get local time in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .params import (
    DATE,
    ParamField,
    field_from_flow_parameter,
    field_from_parameter,
    link_ranges,
    parse_date,
    validate_values,
)
from .sanitize import plain

#: the platform documents no limit; a name longer than this is a paste accident
MAX_NAME = 255
NAME_KEY = "name"
_CTRL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class InvalidParameters(ValueError):
    """Values that must not be sent; ``errors`` maps each field key (or ``"name"``) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()) or "invalid parameters")


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M")


def check_run_name(name: str) -> str | None:
    text = name.strip()
    if not text:
        return "Run name: is required (give the run a distinct, meaningful name)"
    if _CTRL_RE.search(text):
        return "Run name: must not contain control characters"
    if len(text) > MAX_NAME:
        return f"Run name: is too long ({len(text)} characters, at most {MAX_NAME})"
    return None


def date_span(fields: Iterable[ParamField], values: dict[str, str]) -> str:
    """The dates a run covers, for its name: a partition range first, then a run-time range, then a date."""
    fields = list(fields)
    ranges = [f for f in fields if f.range_role == "start" and f.kind == DATE]
    ranges.sort(key=lambda f: f.partition is None)  # partition ranges are what the run really covers
    def day(key: str) -> str:  # only real days: "2026-13-45" must not end up in the run's name
        text = values.get(key, "").strip()
        return text if parse_date(text) is not None else ""

    for start in ranges:
        a, b = day(start.key), day(start.range_partner or "")
        if a and b:
            return a if a == b else f"{a}–{b}"
    for f in fields:
        if f.kind == DATE and day(f.key):
            return day(f.key)
    return ""


def default_run_name(title: str, fields: Iterable[ParamField], values: dict[str, str],
                     now: datetime | None = None) -> str:
    parts = [title.strip() or "Run", date_span(fields, values), _stamp(now)]
    name = " · ".join(p for p in parts if p)
    if len(name) > MAX_NAME:  # shorten the title, keep the dates and the stamp
        tail = " · ".join(p for p in parts[1:] if p)
        name = f"{parts[0][: MAX_NAME - len(tail) - 4]}… · {tail}"
    return name


@dataclass
class _FormBase:
    title: str
    fields: list[ParamField]
    values: dict[str, str]
    name: str = ""
    name_edited: bool = False
    now: datetime | None = None
    #: field key → why the value shown differs from the platform's (control characters made inert)
    notes: dict[str, str] = field(default_factory=dict)

    def _make_inert(self) -> None:
        """Pre-filled values come from the platform (defaults, the last run's values): the form
        shows and sends them sanitised, and says so where that changed them (issue 16)."""
        title = plain(self.title, None)
        if title != self.title:
            self.title = title
            self.notes[NAME_KEY] = "The title held control or invisible characters: the name uses it as shown."
        for key, value in list(self.values.items()):
            clean = plain(value, None)
            if clean != value:
                self.values[key] = clean
                self.notes[key] = "The platform's value held control or invisible characters: shown and sent " \
                                  "as here."

    def field(self, key: str) -> ParamField:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def suggest_name(self, now: datetime | None = None) -> str:
        return default_run_name(self.title, self.fields, self.values, now or self.now)

    def set_value(self, key: str, value: str) -> None:
        self.field(key)  # unknown keys are a caller bug
        self.values[key] = plain(value, None)  # a paste can hold anything; what is sent is inert
        if not self.name_edited:
            self.name = self.suggest_name()

    def set_name(self, name: str) -> None:
        self.name = plain(name, None)
        self.name_edited = bool(name.strip())
        if not self.name_edited:
            self.name = self.suggest_name()

    def errors(self) -> dict[str, str]:
        """Per-field problems (empty when the form can be sent)."""
        _clean, errors = validate_values(self.fields, self.values)
        problem = check_run_name(self.name)
        if problem:
            errors[NAME_KEY] = problem
        return errors

    def _clean(self) -> dict[str, str]:
        clean, errors = validate_values(self.fields, self.values)
        problem = check_run_name(self.name)
        if problem:
            errors[NAME_KEY] = problem
        if errors:
            raise InvalidParameters(errors)
        return clean


@dataclass
class LaunchForm(_FormBase):
    """A question run's form (``POST /cleanroom-questions/{id}/create-run``)."""

    question_id: str = ""

    @classmethod
    def from_question(cls, params: Any, last_run: Any = None, *, question_id: str = "",
                      title: str | None = None, now: datetime | None = None) -> LaunchForm:
        """``params``: ``QuestionParameters`` (or a list of ``QuestionParameter``); ``last_run``: a
        ``QuestionRun`` whose parameters and partition parameters become the defaults."""
        items = list(getattr(params, "parameters", params) or [])
        items.sort(key=lambda p: (getattr(p, "index", None) is None, getattr(p, "index", None) or 0))
        fields = link_ranges([field_from_parameter(p) for p in items])
        values = {f.key: f.default for f in fields}
        if last_run is not None:
            known = {f.key for f in fields}
            previous = dict(getattr(last_run, "parameters", None) or {})
            for part in getattr(last_run, "partition_parameters", None) or []:
                previous[str(getattr(part, "name", ""))] = str(getattr(part, "value", ""))
            values.update({k: str(v) for k, v in previous.items() if k in known})
        if title is None:
            title = str(getattr(params, "name", "") or getattr(params, "display_id", "") or "")
        form = cls(title=title, fields=fields, values=values, now=now, question_id=question_id)
        form._make_inert()
        form.name = form.suggest_name()
        return form

    @classmethod
    def from_run(cls, params: Any, run: Any, *, question_id: str = "", title: str | None = None,
                 now: datetime | None = None) -> LaunchForm:
        """"Run again with the same parameters": the run's values, a fresh name."""
        return cls.from_question(params, run, question_id=question_id, title=title, now=now)

    def build_request(self) -> dict[str, Any]:
        """The exact body ``LiveRampClient.create_run`` posts: ``{name, parameters[, partitionParameters]}``."""
        clean = self._clean()
        body: dict[str, Any] = {
            "name": self.name.strip(),
            "parameters": {f.name: clean[f.key] for f in self.fields if not f.is_partition and f.key in clean},
        }
        partitions = [{"name": f.name, "value": clean[f.key]} for f in self.fields
                      if f.is_partition and f.key in clean]
        if partitions:
            body["partitionParameters"] = partitions
        return body


@dataclass
class FlowLaunchForm(_FormBase):
    """A flow run's form (``POST …/cleanroom-flows/{fid}/cleanroom-flow-runs``), parameters per node."""

    cleanroom_id: str = ""
    flow_id: str = ""
    #: stop after this level ("Level-N"); None runs the whole flow
    pause_level: str | None = None
    node_labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_flow(cls, params: Any, last_run: Any = None, *, cleanroom_id: str, flow_id: str,
                  title: str = "", now: datetime | None = None) -> FlowLaunchForm:
        """``params``: ``FlowRunParameters``; ``last_run``: a ``FlowRun`` whose node values become defaults."""
        fields: list[ParamField] = []
        labels: dict[str, str] = {}
        for node in getattr(params, "flow_run_parameters", None) or []:
            node_id = str(getattr(node, "node_id", ""))
            labels[node_id] = str(getattr(node, "node_question_name", "") or node_id)
            metas = sorted(getattr(node, "parameter_metadata_list", None) or [],
                           key=lambda m: (getattr(m, "index", None) is None, getattr(m, "index", None) or 0))
            fields += [field_from_flow_parameter(m, node_id, labels[node_id]) for m in metas]
        fields = link_ranges(fields)
        values = {f.key: f.default for f in fields}
        if last_run is not None:
            known = {f.key for f in fields}
            for node in getattr(last_run, "flow_run_parameters", None) or []:
                for pname, pvalue in (getattr(node, "parameters", None) or {}).items():
                    key = f"{getattr(node, 'node_id', '')}/{pname}"
                    if key in known:
                        values[key] = str(getattr(pvalue, "value", pvalue))
        form = cls(title=title or "Flow run", fields=fields, values=values, now=now, cleanroom_id=cleanroom_id,
                   flow_id=flow_id, node_labels=labels)
        form._make_inert()
        form.name = form.suggest_name()
        return form

    @classmethod
    def from_run(cls, params: Any, run: Any, *, cleanroom_id: str, flow_id: str, title: str = "",
                 now: datetime | None = None) -> FlowLaunchForm:
        return cls.from_flow(params, run, cleanroom_id=cleanroom_id, flow_id=flow_id, title=title, now=now)

    def nodes(self) -> list[dict[str, Any]]:
        clean = self._clean()
        out: dict[str, dict[str, str]] = {}
        for f in self.fields:
            if f.key in clean and f.node:
                out.setdefault(f.node, {})[f.name] = clean[f.key]
        return [{"nodeIdentifier": node, "parameters": values} for node, values in out.items()]

    def build_request(self) -> dict[str, Any]:
        """The exact body ``LiveRampClient.create_flow_run`` posts (no branches: the SDK's defaults)."""
        from ..api.liveramp.client import level_id

        nodes = self.nodes()
        body: dict[str, Any] = {"name": self.name.strip()}
        level = level_id(self.pause_level)
        if level is not None:
            body["pauseLevelID"] = level
        body.update({"excludeNodesWithoutTags": False, "ignoreParentChildRule": False,
                     "includeMismatchingTaggedNodes": False, "nodes": nodes})
        return body


__all__ = ["FlowLaunchForm", "InvalidParameters", "LaunchForm", "check_run_name", "date_span", "default_run_name"]
