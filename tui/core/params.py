"""Typed run parameters: one :class:`ParamField` per parameter, and validation before anything is sent.

LiveRamp describes a question's parameters with ``GET …/cleanroom-question-parameters`` (PascalCase
``Name, DataType, ParameterType, ConstraintType (ENFORCED_LIST | DEFAULT_VALUE), AllowedValues,
DefaultValue`` plus ``partitionFieldConfig {type: Fixed|Range|Rolling, values, rollingUnit,
isEnforced}``, reference §6.4) and a flow's with ``flow-run-parameters`` (``fieldType`` ∈ INTEGER,
STRING, DATE, TIMESTAMP, DOUBLE, BIGINT, BOOLEAN, DECIMAL, LONG, §9.2). Values always travel as
strings (``parameters`` is a string→string map).

API::

    field_from_parameter(p: QuestionParameter) -> ParamField
    field_from_flow_parameter(meta: FlowParameterMetadata, node_id, node_label="") -> ParamField
    link_ranges(fields) -> list[ParamField]          # pairs ``x_start``/``x_end`` (and start_x/end_x)
    check_value(field, text) -> (normalized, error | None)
    validate_values(fields, values) -> (clean, errors)   # both keyed by ParamField.key

Every error message starts with the field's label and wire name, e.g.
``"exposures date start (exposures.date_start): must be a date as YYYY-MM-DD, e.g. 2026-01-31"``.

Decisions where the reference is silent (GUESS):
- required = a run-time parameter without a default (no ``DefaultValue`` and no ``DEFAULT_VALUE``
  constraint), as the emulator applies it; partition parameters and flow-node parameters are optional;
- ``Range`` partitions come as two parameters named ``<macro>.<field>_start`` / ``_end`` (the docs'
  convention); when both are given, start ≤ end is checked. Run-time date pairs named the same way
  (``start_date``/``end_date``) get the same check;
- ``Fixed`` partitions: the value must be one of ``values`` unless ``isEnforced`` is explicitly false
  (then they are suggestions); ``Rolling``: a date for DATE parameters, otherwise a whole number ≥ 0
  of ``rollingUnit`` (Days/Months) — or a date;
- INTEGER/INT are 32-bit, LONG/BIGINT/NUMBER 64-bit; BOOLEAN accepts true/false/yes/no/1/0 and is
  sent as ``true``/``false``; unknown types are strings. Control characters are refused everywhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

DATE = "date"
TIMESTAMP = "timestamp"
INTEGER = "integer"
DECIMAL = "decimal"
BOOLEAN = "boolean"
STRING = "string"
CHOICE = "choice"
KINDS = (DATE, TIMESTAMP, INTEGER, DECIMAL, BOOLEAN, STRING, CHOICE)

RANGE, FIXED, ROLLING = "Range", "Fixed", "Rolling"

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_INT_TYPES = {"INTEGER": _INT32, "INT": _INT32, "SMALLINT": (-(2**15), 2**15 - 1),
              "LONG": _INT64, "BIGINT": _INT64, "NUMBER": _INT64}
_DECIMAL_TYPES = {"DECIMAL", "NUMERIC"}
_FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECIMAL_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_CTRL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: a run parameter is a short value; anything longer is almost certainly a paste accident
MAX_TEXT = 1000


@dataclass(frozen=True)
class ParamField:
    """One input of a launch form."""

    name: str  # the wire name (``exposures.date_start``)
    label: str  # what the form shows (``DisplayName``, else the name)
    kind: str  # one of KINDS
    data_type: str = ""  # the platform's own type name, shown next to the field
    required: bool = False
    choices: tuple[str, ...] = ()
    #: the value must be one of ``choices`` (ENFORCED_LIST, Fixed partitions); else they are suggestions
    enforced: bool = False
    default: str = ""
    description: str = ""
    example: str = ""
    format: str = ""
    #: None for a run-time parameter; "Range" | "Fixed" | "Rolling" for a partition parameter
    partition: str | None = None
    rolling_unit: str | None = None
    #: "start" / "end" when this field is one end of a date range, with the other end's key
    range_role: str | None = None
    range_partner: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    #: the flow node this parameter belongs to (flow runs); None for question runs
    node: str | None = None
    node_label: str = ""

    @property
    def key(self) -> str:
        """Unique within a form: the name, prefixed by the node for flow-run parameters."""
        return f"{self.node}/{self.name}" if self.node else self.name

    @property
    def is_partition(self) -> bool:
        return self.partition is not None

    @property
    def title(self) -> str:
        """How messages name the field: its label and, when different, its wire name."""
        if self.label and self.label != self.name:
            return f"{self.label} ({self.name})"
        return self.name

    @property
    def hint(self) -> str:
        """A short input hint for the form (format, range, choices)."""
        if self.kind == DATE:
            return "YYYY-MM-DD"
        if self.kind == TIMESTAMP:
            return "YYYY-MM-DDTHH:MM:SS[Z]"
        if self.kind == BOOLEAN:
            return "true / false"
        if self.choices and self.enforced:
            return "one of " + ", ".join(self.choices)
        if self.kind == INTEGER and self.partition == ROLLING:
            return f"number of {(self.rolling_unit or 'days').lower()}"
        if self.kind == INTEGER:
            return "whole number"
        if self.kind == DECIMAL:
            return "number"
        return self.format or ""


# --------------------------------------------------------------------------- building fields

def kind_of(data_type: str | None) -> str:
    t = (data_type or "").strip().upper()
    if t == "DATE":
        return DATE
    if t in {"TIMESTAMP", "DATETIME", "TIMESTAMP_NTZ", "TIMESTAMP_TZ"}:
        return TIMESTAMP
    if t in _INT_TYPES:
        return INTEGER
    if t in _DECIMAL_TYPES or t in _FLOAT_TYPES:
        return DECIMAL
    if t in {"BOOLEAN", "BOOL"}:
        return BOOLEAN
    return STRING


def _int_bounds(data_type: str) -> tuple[float | None, float | None]:
    return _INT_TYPES.get(data_type.strip().upper(), (None, None))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def field_from_parameter(p: Any) -> ParamField:
    """A form field from a ``QuestionParameter`` (``tui.api.liveramp.models``) or anything shaped like it."""
    name = _text(getattr(p, "name", ""))
    data_type = _text(getattr(p, "data_type", "")).upper()
    kind = kind_of(data_type)
    constraint = _text(getattr(p, "constraint_type", "")).upper()
    allowed = tuple(str(v) for v in (getattr(p, "allowed_values", None) or ()) if str(v) != "")
    default = _text(getattr(p, "default_value", "")).strip()
    config = getattr(p, "partition_field_config", None)
    ptype = _text(getattr(p, "parameter_type", "")).upper()
    partition: str | None = None
    rolling_unit = None
    enforced = constraint == "ENFORCED_LIST" and bool(allowed)
    choices = allowed
    if config is not None or ptype.startswith("PARTITION"):
        partition = _partition_type(_text(getattr(config, "type", "")) if config is not None else "")
        rolling_unit = _text(getattr(config, "rolling_unit", "")) or None if config is not None else None
        values = tuple(str(v) for v in (getattr(config, "values", None) or ()) if str(v) != "")
        if partition == FIXED and values:
            choices = values
            enforced = getattr(config, "is_enforced", None) is not False
    required = partition is None and not default and constraint != "DEFAULT_VALUE"
    if partition == ROLLING and kind != DATE:
        kind = INTEGER if kind == INTEGER else STRING  # a count of units, or a date (checked below)
    if enforced and kind in (STRING, INTEGER, DECIMAL):
        kind = CHOICE if kind == STRING else kind
    minimum, maximum = _int_bounds(data_type) if kind == INTEGER else (None, None)
    if partition == ROLLING and kind == INTEGER:
        minimum = 0
    return ParamField(
        name=name,
        label=_text(getattr(p, "display_name", "")) or name,
        kind=kind,
        data_type=data_type,
        required=required,
        choices=choices,
        enforced=enforced,
        default=default,
        description=_text(getattr(p, "description", "")),
        example=_text(getattr(p, "example_value", "")),
        format=_text(getattr(p, "format", "")),
        partition=partition,
        rolling_unit=rolling_unit,
        minimum=minimum,
        maximum=maximum,
    )


def _partition_type(raw: str) -> str:
    t = raw.strip().lower()
    if t == "fixed":
        return FIXED
    if t == "rolling":
        return ROLLING
    return RANGE  # the common case, and what an unnamed partition filter on a date looks like


def field_from_flow_parameter(meta: Any, node_id: str, node_label: str = "") -> ParamField:
    """A form field from a flow's ``parameterMetadataList`` item (no constraints are published)."""
    name = _text(getattr(meta, "name", ""))
    data_type = _text(getattr(meta, "field_type", "")).upper()
    if data_type == "FIELD_TYPE_UNKNOWN":
        data_type = ""
    kind = kind_of(data_type)
    ptype = _text(getattr(meta, "parameter_type", "")).upper()
    minimum, maximum = _int_bounds(data_type) if kind == INTEGER else (None, None)
    return ParamField(
        name=name,
        label=_text(getattr(meta, "display_name", "")) or name,
        kind=kind,
        data_type=data_type,
        required=False,
        partition=RANGE if ptype.startswith("PARTITION") else None,
        minimum=minimum,
        maximum=maximum,
        node=node_id,
        node_label=node_label,
    )


_PAIR_PATTERNS = (
    (re.compile(r"^(?P<stem>.+)_start$"), "{stem}_end", "start"),
    (re.compile(r"^start_(?P<stem>.+)$"), "end_{stem}", "start"),
)


def link_ranges(fields: Sequence[ParamField]) -> list[ParamField]:
    """Mark date/timestamp pairs (``x_start``/``x_end``, ``start_x``/``end_x``) of the same node as ranges."""
    by_name = {(f.node, f.name): f for f in fields}
    roles: dict[str, tuple[str, str]] = {}
    for f in fields:
        if f.kind not in (DATE, TIMESTAMP):
            continue
        for pattern, partner_format, _role in _PAIR_PATTERNS:
            match = pattern.match(f.name)
            if not match:
                continue
            partner = by_name.get((f.node, partner_format.format(stem=match.group("stem"))))
            if partner is not None and partner.kind == f.kind:
                roles[f.key] = ("start", partner.key)
                roles[partner.key] = ("end", f.key)
    return [replace(f, range_role=roles[f.key][0], range_partner=roles[f.key][1]) if f.key in roles else f
            for f in fields]


# --------------------------------------------------------------------------- checking values

def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD`` that is also a real calendar day (2026-02-30 is not)."""
    if not _DATE_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_timestamp(text: str) -> datetime | None:
    """ISO 8601 date-time (``T`` or a space; seconds, fraction and zone optional; ``Z`` accepted)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?", text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _number_text(n: float) -> str:
    return f"{int(n)}" if float(n).is_integer() else f"{n}"


def _check_kind(f: ParamField, text: str) -> tuple[str, str | None]:
    if f.kind == DATE:
        if parse_date(text) is None:
            example = f.example if parse_date(f.example or "") else "2026-01-31"
            return text, f"must be a date as YYYY-MM-DD (a real calendar day), e.g. {example}"
        return text, None
    if f.kind == TIMESTAMP:
        if parse_timestamp(text) is None:
            return text, "must be a date and time as YYYY-MM-DDTHH:MM[:SS][Z or ±HH:MM], e.g. 2026-01-31T00:00:00Z"
        return text, None
    if f.kind == INTEGER:
        if not re.fullmatch(r"[+-]?\d+", text):
            return text, f"must be a whole number, got {text!r}"
        number = int(text)
        if f.minimum is not None and number < f.minimum:
            return text, f"must be at least {_number_text(f.minimum)}, got {number}"
        if f.maximum is not None and number > f.maximum:
            return text, f"must be at most {_number_text(f.maximum)}, got {number}"
        return str(number), None
    if f.kind == DECIMAL:
        return _check_decimal(f, text)
    if f.kind == BOOLEAN:
        low = text.lower()
        if low in _TRUE:
            return "true", None
        if low in _FALSE:
            return "false", None
        return text, f"must be true or false, got {text!r}"
    if f.partition == ROLLING:  # a string-typed rolling partition: a count of units or a date
        if re.fullmatch(r"\d+", text) or parse_date(text) is not None:
            return text, None
        return text, (f"must be a number of {(f.rolling_unit or 'days').lower()} (0 or more) "
                      "or a date as YYYY-MM-DD")
    return text, None


def _check_decimal(f: ParamField, text: str) -> tuple[str, str | None]:
    if f.data_type in _DECIMAL_TYPES:
        if not _DECIMAL_RE.fullmatch(text):
            return text, f"must be a decimal number such as 12.5, got {text!r}"
        try:
            value = float(Decimal(text))
        except InvalidOperation:
            return text, f"must be a decimal number such as 12.5, got {text!r}"
    else:
        try:
            value = float(text)
        except ValueError:
            return text, f"must be a number such as 12.5 or 1e-3, got {text!r}"
        if not math.isfinite(value):
            return text, f"must be a finite number, got {text!r}"
    if f.minimum is not None and value < f.minimum:
        return text, f"must be at least {_number_text(f.minimum)}, got {text}"
    if f.maximum is not None and value > f.maximum:
        return text, f"must be at most {_number_text(f.maximum)}, got {text}"
    return text, None


def check_value(f: ParamField, raw: Any) -> tuple[str, str | None]:
    """Normalize and check one value: ``(normalized, None)`` or ``(text, "Label (name): why")``.

    An empty value is fine for an optional field (it is then left out of the request) and an
    error for a required one.
    """
    text = _text(raw).strip()
    if not text:
        if f.required:
            return "", f"{f.title}: is required"
        return "", None
    if _CTRL_RE.search(text):
        return text, f"{f.title}: must not contain control characters (tabs, newlines, escapes)"
    if len(text) > MAX_TEXT:
        return text, f"{f.title}: is too long ({len(text)} characters, at most {MAX_TEXT})"
    value, problem = _check_kind(f, text)
    if problem is None and f.enforced and f.choices and value not in f.choices:
        # case-insensitive match on a list is a convenience, the wire gets the platform's spelling
        folded = {c.lower(): c for c in f.choices}
        if value.lower() in folded:
            value = folded[value.lower()]
        else:
            problem = f"must be one of {', '.join(f.choices)}; got {value!r}"
    return value, (f"{f.title}: {problem}" if problem else None)


def _order_key(f: ParamField, value: str) -> Any:
    return parse_date(value) if f.kind == DATE else parse_timestamp(value)


def validate_values(fields: Iterable[ParamField], values: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Check every field: ``(clean values of the non-empty fields, errors)``, both by ``ParamField.key``."""
    fields = list(fields)
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    for f in fields:
        value, problem = check_value(f, values.get(f.key, ""))
        if problem:
            errors[f.key] = problem
        elif value:
            clean[f.key] = value
    by_key = {f.key: f for f in fields}
    for f in fields:
        if f.range_role != "start" or f.key in errors or f.range_partner not in clean or f.key not in clean:
            continue
        end = by_key[f.range_partner]
        start_at, end_at = _order_key(f, clean[f.key]), _order_key(end, clean[end.key])
        if start_at is None or end_at is None:
            continue
        try:
            after = start_at > end_at
        except TypeError:  # an aware and a naive timestamp: not comparable, let the platform judge
            continue
        if after:
            errors[f.key] = f"{f.title}: start {clean[f.key]} is after the end {clean[end.key]} ({end.name})"
    return clean, errors


__all__ = [
    "BOOLEAN", "CHOICE", "DATE", "DECIMAL", "FIXED", "INTEGER", "KINDS", "RANGE", "ROLLING", "STRING",
    "TIMESTAMP", "ParamField", "check_value", "field_from_flow_parameter", "field_from_parameter", "kind_of",
    "link_ranges", "parse_date", "parse_timestamp", "validate_values",
]
