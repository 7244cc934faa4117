"""Build InfoSum ``filter`` / ``order_by`` strings safely (reference §5.2–§5.4).

Grammar (from the Filtering docs): ``<field> <op> <value>`` sub-filters joined with ``and`` / ``or``,
optionally prefixed with ``not``, grouped with parentheses; strings in single quotes; dates RFC 3339.

Choices where the docs are silent (keep the emulator in step):

- **Quote escaping**: the docs do not say how to put ``'`` inside a quoted string. We double it
  (``'O''Brien'``), as SQL does. Backslashes are sent as they are.
- **Dates** are rendered RFC 3339 in UTC with ``Z`` (naive datetimes are taken as UTC) and quoted,
  like strings: a bare token containing ``:`` is the likelier thing for a tokenizer to reject.
- **Precedence** of ``and`` vs ``or`` is undocumented, so a compound operand of a different operator
  is always wrapped in parentheses: ``a and (b or c)``; ``not`` of a compound is ``not (…)``.
- Enum values are quoted like any string (``status eq 'STATUS_CLOSED'``); use :class:`Bare` for the
  unquoted form the spec examples also show.

Every builder returns a :class:`Filter`, which *is* a ``str`` (pass it as ``filter=``) and also
remembers which fields it uses, so :func:`check_filter` can validate it against an endpoint.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

FIELD_RE = re.compile(r"[a-z_]+\Z")
_BARE_RE = re.compile(r"[A-Za-z0-9_.\-]+\Z")

#: the 24 event types of the current spec (§7.3), for a picker; unknown values are still allowed
EVENT_TYPES: tuple[str, ...] = (
    "TYPE_INVALID",
    "TYPE_COLLABORATION_CREATED",
    "TYPE_DESTINATION_ADDED",
    "TYPE_DESTINATION_REMOVED",
    "TYPE_INSIGHT_DATASET_ADDED",
    "TYPE_INSIGHT_DATASET_REMOVED",
    "TYPE_ACTIVATION_DATASET_ADDED",
    "TYPE_ACTIVATION_DATASET_REMOVED",
    "TYPE_COLLABORATION_CLOSED",
    "TYPE_COLLABORATION_LEFT",
    "TYPE_ACTIVATION_QUERY_RESULTS_EXPORTED",
    "TYPE_ACTIVATION_QUERY_SUCCESSFUL",
    "TYPE_INSIGHT_QUERY_SUCCESSFUL",
    "TYPE_DATASET_PUBLISHED",
    "TYPE_AUDIENCE_CREATED",
    "TYPE_AUDIENCE_DELETED",
    "TYPE_SEGMENT_CREATED",
    "TYPE_SEGMENT_DELETED",
    "TYPE_PRIVATE_PATH_ID_ROTATED",
    "TYPE_DATASET_ADDED",
    "TYPE_DATASET_REMOVED",
    "TYPE_ACTIVATION_SEGMENT_CALCULATED",
    "TYPE_ACTIVATION_SEGMENT_EXPORTED",
    "TYPE_ACTIVATION_SEGMENT_EXPORT_AUTOMATED",
)

_COLLABORATION_ORDER = ("created_date_time", "updated_date_time", "owner", "status", "name")

#: valid ``order_by`` columns per list endpoint (§5.4, §11.5, §12.2)
ORDER_BY_COLUMNS: dict[str, frozenset[str]] = {
    "collaborations": frozenset(_COLLABORATION_ORDER),
    "events": frozenset({"event_date_time"}),
    "events_export": frozenset({"event_date_time"}),
    "collaboration_datasets": frozenset({"created_date_time", "updated_date_time", "owner", "name"}),
    "collaboration_destinations": frozenset({"created_date_time", "updated_date_time", "owner", "name"}),
    # the spec repeats the collaborations text for connections
    "connections": frozenset(_COLLABORATION_ORDER),
    "activation_segments": frozenset({"created_date_time", "updated_date_time", "name"}),
    "activation_segment_exports": frozenset({"destination_type_id", "destination_id", "status",
                                             "started_at_date_time", "completed_at_date_time"}),
    "destination_instances": frozenset({"id", "created_time", "name", "updated_time",
                                        "destination_type_id", "creator_id"}),
    "datasets": frozenset({"dataset_id", "public_name", "private_id", "description", "owner_id",
                           "created_by", "dataset_type", "region", "recordset_id", "execution_id",
                           "publish_date_time", "created_date_time", "expiration_date_time"}),
}

#: valid ``filter`` fields per list endpoint (§5.4, §11.5, §12.2)
FILTER_FIELDS: dict[str, frozenset[str]] = {
    "collaborations": frozenset({"id", "name", "description", "created_date_time", "updated_date_time",
                                 "owner", "members", "status"}),
    # note: the event object's field is ``type`` but the filter field is ``event_type``
    "events": frozenset({"event_type", "company_id"}),
    "events_export": frozenset({"event_type", "company_id"}),
    "collaboration_datasets": frozenset({"dataset_id", "owner_id"}),
    "collaboration_destinations": frozenset({"destination_id", "owner_id", "destination_type_id"}),
    "connections": frozenset({"from_dataset_id", "to_dataset_id"}),
    "activation_segments": frozenset({"activation_segment_id", "creator_id", "name"}),
    "activation_segment_exports": ORDER_BY_COLUMNS["activation_segment_exports"],
    "destination_instances": frozenset({"name", "owner_id", "destination_type_id", "outgoing_permission_id",
                                        "creator_id"}),
    "datasets": ORDER_BY_COLUMNS["datasets"],
}


class Filter(str):
    """A rendered filter expression plus the fields it uses and its top-level operator."""

    fields: frozenset[str]
    op: str  # "cmp" | "and" | "or" | "not" | "raw"

    def __new__(cls, text: str, fields: Iterable[str] = (), op: str = "raw") -> Filter:
        self = super().__new__(cls, text)
        self.fields = frozenset(fields)
        self.op = op
        return self


class Bare(str):
    """A value sent unquoted (``status eq STATUS_CLOSED``); only ``[A-Za-z0-9_.-]`` allowed."""

    def __new__(cls, value: str) -> Bare:
        if not _BARE_RE.match(value):
            raise ValueError(f"not a bare filter token: {value!r}")
        return super().__new__(cls, value)


def event_type_name(word: str) -> str | None:
    """``dataset_added`` / ``DATASET_ADDED`` / ``TYPE_DATASET_ADDED`` → ``TYPE_DATASET_ADDED`` (the wire
    value); None for a word that names no known type. Screens and exports show types without the
    prefix, so what people type is often the short form."""
    name = word.strip().upper().replace("-", "_").replace(" ", "_")
    name = name if name.startswith("TYPE_") else f"TYPE_{name}"
    return name if name in EVENT_TYPES else None


_EVENT_TYPE_CMP = re.compile(r"\b(event_type\s+(?:eq|ne)\s+)(?:'([^']*)'|([A-Za-z_][A-Za-z0-9_]*))")


def event_filter_wire(text: str) -> str:
    """An event-log filter as typed → the filter to send: event types written as shown (without
    ``TYPE_``, any case) get their wire spelling, and a bare type name (or several, comma-separated)
    is shorthand for ``event_type eq '…'``. Anything else is sent as typed, for the server to judge."""
    text = text.strip()
    words = [w.strip().strip("'") for w in text.split(",")]
    names = [event_type_name(w) for w in words] if text else []
    if names and all(names):
        return str(any_of("event_type", dict.fromkeys(names)))

    def wire(match: re.Match[str]) -> str:
        value = match.group(2) if match.group(2) is not None else match.group(3)
        name = event_type_name(value)
        return match.group(1) + quote(name) if name and name != value else match.group(0)

    return _EVENT_TYPE_CMP.sub(wire, text)


def field_name(name: str) -> str:
    if not isinstance(name, str) or not FIELD_RE.match(name):
        raise ValueError(f"invalid filter/order_by field name: {name!r} (expected [a-z_]+)")
    return name


def quote(text: str) -> str:
    """``it's`` → ``'it''s'`` (the doubling escape; see the module docstring)."""
    return "'" + text.replace("'", "''") + "'"


def rfc3339(value: datetime | date) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        text = value.astimezone(UTC).isoformat()
        return text.replace("+00:00", "Z")
    return value.isoformat()


def render_value(value: Any) -> str:
    if isinstance(value, Bare):
        return str(value)
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return repr(value)
    if isinstance(value, datetime | date):
        return quote(rfc3339(value))
    if isinstance(value, str):
        return quote(value)
    raise TypeError(f"cannot use {type(value).__name__} as a filter value")


def _cmp(op: str, field: str, value: Any) -> Filter:
    return Filter(f"{field_name(field)} {op} {render_value(value)}", {field}, "cmp")


def eq(field: str, value: Any) -> Filter:
    return _cmp("eq", field, value)


def ne(field: str, value: Any) -> Filter:
    return _cmp("ne", field, value)


def co(field: str, value: str) -> Filter:
    """contains"""
    return _cmp("co", field, value)


def ico(field: str, value: str) -> Filter:
    """contains, case-insensitive"""
    return _cmp("ico", field, value)


def nc(field: str, value: str) -> Filter:
    """does not contain"""
    return _cmp("nc", field, value)


def inc(field: str, value: str) -> Filter:
    """does not contain, case-insensitive"""
    return _cmp("inc", field, value)


def lt(field: str, value: Any) -> Filter:
    return _cmp("lt", field, value)


def le(field: str, value: Any) -> Filter:
    return _cmp("le", field, value)


def gt(field: str, value: Any) -> Filter:
    return _cmp("gt", field, value)


def ge(field: str, value: Any) -> Filter:
    return _cmp("ge", field, value)


def _as_filter(f: str) -> Filter:
    return f if isinstance(f, Filter) else Filter(str(f))


def group(f: str) -> Filter:
    """Explicit parentheses around any expression."""
    f = _as_filter(f)
    return Filter(f"({f})", f.fields, "cmp")


def _operand(f: Filter, joiner: str) -> str:
    return str(f) if f.op in ("cmp", "not", joiner) else f"({f})"


def _join(joiner: str, fs: tuple[str | None, ...]) -> Filter | None:
    parts = [_as_filter(f) for f in fs if f]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    fields = frozenset().union(*(p.fields for p in parts))
    return Filter(f" {joiner} ".join(_operand(p, joiner) for p in parts), fields, joiner)


def and_(*fs: str | None) -> Filter | None:
    """All of ``fs``; ``None``/empty operands are skipped (handy for optional UI filters)."""
    return _join("and", fs)


def or_(*fs: str | None) -> Filter | None:
    """Any of ``fs``; ``None``/empty operands are skipped."""
    return _join("or", fs)


def not_(f: str) -> Filter:
    f = _as_filter(f)
    inner = str(f) if f.op == "cmp" else f"({f})"
    return Filter(f"not {inner}", f.fields, "not")


def any_of(field: str, values: Iterable[Any]) -> Filter | None:
    """``field eq a or field eq b …`` (the grammar has no ``in``)."""
    return or_(*(eq(field, v) for v in values))


# --------------------------------------------------------------------------- validation

def _known(table: dict[str, frozenset[str]], endpoint: str) -> frozenset[str]:
    try:
        return table[endpoint]
    except KeyError:
        raise ValueError(f"unknown endpoint {endpoint!r} (known: {', '.join(sorted(table))})") from None


def check_filter(endpoint: str, f: str | None) -> None:
    """Raise ValueError if ``f`` (built here) uses a field the endpoint does not filter on.

    A plain string typed by a user has no recorded fields and is passed through: the server
    answers 400 with its own message.
    """
    if not f:
        return
    allowed = _known(FILTER_FIELDS, endpoint)
    bad = sorted(_as_filter(f).fields - allowed)
    if bad:
        raise ValueError(f"cannot filter {endpoint} on {', '.join(bad)} "
                         f"(allowed: {', '.join(sorted(allowed))})")


def order_by(*terms: str | tuple[str, bool]) -> str:
    """``order_by("name", ("created_date_time", True))`` → ``"name,created_date_time DESC"``.

    A term is a column (ascending) or ``(column, descending)``.
    """
    out = []
    for term in terms:
        column, desc = (term, False) if isinstance(term, str) else term
        out.append(f"{field_name(column)} DESC" if desc else field_name(column))
    return ",".join(out)


def check_order_by(endpoint: str, text: str | None) -> None:
    """Raise ValueError unless every term is ``column [ASC|DESC]`` with a column the endpoint sorts on."""
    if not text:
        return
    allowed = _known(ORDER_BY_COLUMNS, endpoint)
    for term in text.split(","):
        words = term.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1].upper() not in ("ASC", "DESC")):
            raise ValueError(f"bad order_by term {term.strip()!r}: expected 'column [ASC|DESC]'")
        if words[0] not in allowed:
            raise ValueError(f"cannot order {endpoint} by {words[0]!r} "
                             f"(allowed: {', '.join(sorted(allowed))})")


__all__ = [
    "EVENT_TYPES", "FILTER_FIELDS", "ORDER_BY_COLUMNS", "Bare", "Filter", "and_", "any_of", "check_filter",
    "check_order_by", "co", "eq", "event_filter_wire", "event_type_name", "field_name", "ge", "group", "gt", "ico", "inc", "le", "lt", "nc", "ne",
    "not_", "or_", "order_by", "quote", "render_value", "rfc3339",
]
