"""The one JSON shape a headless read prints, whichever path answered it — standard library only.

**Decision.** ``--json`` prints LiveRamp objects *normalised*, in the shape the full client's models
give them (``by_alias`` dump): every field the reference documents is present, under the reference's
camelCase name and in the models' order, with the models' defaults when the platform left it out
(``null``, ``""``, ``[]``, ``{}``); timestamps as ISO 8601 (``Z`` for UTC) or ``null``; dates as
``YYYY-MM-DD`` or ``null`` (``"endAt": ""`` reads ``null``); fields the reference does not document
are left out. A pass-through of what the API sent could not be kept on every path: the full client,
the TUI and the shared cache hold the models' form, so a script would see ``""`` or ``null`` or
nothing depending on whether a token happened to be cached. The normalised form is stable for
``jq`` too (a field is always there, with one type).

The fast path (:mod:`tui.headless.quick`) cannot afford pydantic, so :func:`shape` rebuilds that
form from the answer with the models' own lenient readers (:mod:`tui.api.liveramp.lenient`). Where
the models would do something this module does not repeat (a wrong type, a spelling they
translate, a timestamp pydantic would print differently) it answers ``None`` and the read goes to the
full client. ``tests/e2e/test_headless_paths.py`` holds the two paths to one output.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..api.liveramp.lenient import lenient_date, parse_datetime, str_list, str_map


class Defer(Exception):
    """Only the models can shape this value: leave the read to the full client."""


# ----------------------------------------------------------------------------- field readers

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise Defer  # the models coerce numbers to text; not repeated here


def _opt_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _int(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise Defer


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _opt_bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise Defer


def _timestamp(value: Any) -> str | None:
    parsed = parse_datetime(value)
    if parsed is None:
        if value not in (None, ""):
            raise Defer  # unreadable: the models say null too, but let them say it
        return None
    offset = parsed.utcoffset()
    if offset is None or offset % timedelta(minutes=1):
        raise Defer  # pydantic prints a seconds offset its own way
    return _iso(parsed)


def _iso(value: datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value: Any) -> str | None:
    parsed = lenient_date(value)
    return None if parsed is None else parsed.isoformat()


def _map(value: Any) -> dict[str, str]:
    return str_map(value)


def _list(value: Any) -> list[str]:
    if isinstance(value, list) and not all(isinstance(v, str) for v in value):
        raise Defer  # objects in a list: CleanRoom.partners keeps their names (a validator not repeated here)
    return str_list(value)


Shape = tuple[tuple[str, Any], ...]  # (canonical wire name, reader or nested shape)
Spellings = frozenset[str]


def _obj(fields: Shape, other: Spellings = frozenset(), default: Any = None) -> tuple[str, Shape, Spellings, Any]:
    return ("obj", fields, other, default)


def _objs(fields: Shape, other: Spellings = frozenset()) -> tuple[str, Shape, Spellings, Any]:
    return ("list", fields, other, None)


# ----------------------------------------------------------------------------- the shapes (the models' fields)
# tests/e2e/test_headless_paths.py checks each against tui/api/liveramp/models/

TIME_AUDIT: Shape = (("createdAt", _timestamp), ("updatedAt", _timestamp), ("deletedAt", _timestamp))
PARTITION_VALUE: Shape = (("name", _text), ("value", _text), ("dataType", _opt_text))
DATASET_PARAMETER: Shape = (("dataSetId", _opt_text), ("dataSetName", _text), ("dataInLocation", _opt_text),
                            ("hashedColumns", _list))
RUN_METADATA: Shape = (("dataOutLocation", _opt_text),
                       ("datasetParameters", _objs(DATASET_PARAMETER, frozenset({"datasetId", "datasetName"}))),
                       ("saltKey", _opt_text))
RUN: Shape = (
    ("id", _text), ("name", _text), ("status", _text), ("submittedAt", _timestamp), ("executedAt", _timestamp),
    ("completedAt", _timestamp), ("parameters", _map), ("partitionParameters", _objs(PARTITION_VALUE)),
    ("runMetadata", _obj(RUN_METADATA)), ("failureReason", _opt_text), ("isRetryable", _opt_bool),
    ("runMessage", _opt_text), ("questionVersion", _opt_int),
)
CLEANROOM: Shape = (
    ("id", _text), ("displayId", _text), ("name", _text), ("description", _text), ("ownerOrganization", _text),
    ("partners", _list), ("startAt", _date), ("endAt", _date), ("questionsCount", _int), ("status", _text),
    ("cleanRoomParameters", _map), ("timeAudit", _obj(TIME_AUDIT)), ("cleanRoomTypeId", _opt_text),
)
QUESTION: Shape = (
    ("id", _text), ("name", _text), ("displayId", _text), ("questionType", _text), ("category", _text),
    ("createdOn", _timestamp), ("status", _text), ("dataTypes", _map), ("parameters", _map), ("dimension", _map),
    ("metrics", _map), ("cleanroomId", _opt_text), ("ownerOrganizationId", _opt_text),
    ("customerQueryTemplate", _opt_text), ("questionId", _opt_text),
)
#: per cache kind: the object's shape and the other spellings the models accept for its fields
SHAPES: dict[str, tuple[Shape, Spellings]] = {
    "runs": (RUN, frozenset()), "run": (RUN, frozenset()),
    "cleanrooms": (CLEANROOM, frozenset()), "questions": (QUESTION, frozenset({"title"})),
}


_NAMES: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def _names(fields: Shape) -> tuple[frozenset[str], frozenset[str]]:
    """The shape's wire names, and their lower-case forms (computed once per shape)."""
    found = _NAMES.get(id(fields))
    if found is None:
        names = frozenset(name for name, _ in fields)
        found = _NAMES[id(fields)] = (names, frozenset(n.lower() for n in names))
    return found


def _shape_one(item: Any, fields: Shape, other: Spellings) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise Defer
    names, lowered = _names(fields)
    for key in item:
        if key not in names and (key in other or key.lower() in lowered):
            raise Defer  # a spelling the models translate (``ID``, ``displayID``, ``title`` …)
    out: dict[str, Any] = {}
    for name, reader in fields:
        value = item.get(name)
        if isinstance(reader, tuple):
            kind, inner, inner_other, default = reader
            if value is None:
                out[name] = [] if kind == "list" else default
            elif kind == "list":
                if not isinstance(value, list):
                    raise Defer
                out[name] = [_shape_one(v, inner, inner_other) for v in value]
            else:
                out[name] = _shape_one(value, inner, inner_other)
        else:
            out[name] = reader(value)
    return out


def shape(kind: str, body: Any) -> Any:
    """``body`` (a list or one object of ``kind``) in the normalised form, or None: ask the full client."""
    found = SHAPES.get(kind)
    if found is None:
        return None
    fields, other = found
    try:
        if isinstance(body, list):
            return [_shape_one(item, fields, other) for item in body]
        return _shape_one(body, fields, other)
    except (Defer, ValueError, TypeError, OverflowError, OSError):
        return None


__all__ = ["SHAPES", "shape"]
