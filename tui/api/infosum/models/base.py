"""The base of every InfoSum model: lenient scalars, ``Model``, open enums, pages, health.

The parsing rules are the package docstring's.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

# --------------------------------------------------------------------------- lenient scalars


def _to_int(value: Any) -> Any:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise ValueError(f"not an integer: {value!r}")
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:  # "12.0" / "1e3" from a sloppy encoder
                as_float = float(text)
            except ValueError:
                raise ValueError(f"not an integer: {value!r}") from None
            return _to_int(as_float)
    return value


def _to_int_or_str(value: Any) -> Any:
    """Numeric ids become ints; anything else stays the string it was (never a crash)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _to_int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return value
    return "" if value is None else str(value)


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRACTION = re.compile(r"\.(\d+)")


def parse_time(value: Any) -> datetime | None:
    """RFC 3339 (and the looser forms the filter docs mention) → aware UTC datetime, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time(), tzinfo=UTC)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        dt = datetime.fromtimestamp(value, UTC)  # epoch seconds: not in the spec, but harmless
    elif isinstance(value, str):
        text = value.strip()
        if _DATE_ONLY.match(text):
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
        text = text.replace("t", "T").replace("z", "Z").replace(" ", "T", 1)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        # protojson writes 3, 6 or 9 fraction digits; Python keeps microseconds
        text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not an RFC 3339 time: {value!r}") from None
    else:
        raise ValueError(f"not a time: {value!r}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)  # no offset given: the API speaks UTC
    return dt.astimezone(UTC)


def _to_str_map(value: Any) -> Any:
    """map<string,string>: non-string values (a sloppy server) are kept as JSON text."""
    if not isinstance(value, dict):
        return {} if value is None else value
    return {str(k): v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
            for k, v in value.items() if v is not None}


def _to_error_text(value: Any) -> Any:
    if isinstance(value, dict):  # a v2/rpcStatus error object where the playbook says string
        inner = value.get("error")
        if isinstance(inner, dict):
            value = inner
        return str(value.get("message") or value.get("code") or json.dumps(value))
    return "" if value is None else value


Int64 = Annotated[int, BeforeValidator(_to_int)]
IntOrStr = Annotated[int | str, BeforeValidator(_to_int_or_str)]
Time = Annotated[datetime | None, BeforeValidator(parse_time)]
StrMap = Annotated[dict[str, str], BeforeValidator(_to_str_map)]


class Model(BaseModel):
    """Base for every InfoSum model: unknown fields ignored, nulls mean "absent"."""

    # defer_build: validators are built on a model's first use, not at import (start-up time, issue 5)
    model_config = ConfigDict(extra="ignore", populate_by_name=True, coerce_numbers_to_str=True,
                              defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


# --------------------------------------------------------------------------- enums (open)

STATUS_ACTIVE = "STATUS_ACTIVE"
STATUS_CLOSED = "STATUS_CLOSED"
COLLABORATION_STATUSES = ("STATUS_INVALID", STATUS_ACTIVE, STATUS_CLOSED)
ENTITY_TYPES = ("ENTITY_INVALID", "ENTITY_USER", "ENTITY_COMPANY", "ENTITY_DATASET", "ENTITY_DESTINATION",
                "ENTITY_AUDIENCE", "ENTITY_SEGMENT", "ENTITY_ACTIVATION_SEGMENT")
#: the playbook's lower-case insight query statuses (§10.3); v1 only has done true/false
QUERY_STATUSES = ("pending", "running", "completed", "failed")


# --------------------------------------------------------------------------- pages

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a v2 list, with the ``pagination`` block (§5.1) flattened onto it.

    ``total_results`` is None when the server sent no pagination block at all.
    """

    items: list[T] = Field(default_factory=list)
    page: int = 1
    per_page: int = 100
    next_page: int = 0
    results: int = 0
    total_results: int | None = None
    #: items of this page that could not be read (``tui.api.items.ItemProblem``), left out of ``items``
    problems: list[Any] = Field(default_factory=list, exclude=True)

    @property
    def has_more(self) -> bool:
        if not self.items or self.next_page <= self.page:
            return False  # next_page missing/0 (or not moving forward) ends the list
        if self.total_results is None:
            return True
        return (self.page - 1) * self.per_page + self.results < self.total_results


class Pagination(Model):
    next_page: Int64 = 0
    results: Int64 = 0
    total_results: Int64 = 0


class Health(Model):
    status: str = ""  # UNKNOWN | AVAILABLE
