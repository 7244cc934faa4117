"""Dataset statistics: summary, key columns, attributes, export columns."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, BeforeValidator, Field

from .base import (
    Int64,
    IntOrStr,
    Model,
    _to_int,
    _to_int_or_str,
)

# --------------------------------------------------------------------------- stats

class SummaryStats(Model):
    total_rows: Int64 = 0
    key_columns: Int64 = 0
    attribute_columns: Int64 = 0
    export_columns: Int64 = 0


class KeyColumnStats(Model):
    #: documented as a string id; numeric ids become ints, anything else stays a string
    key_id: IntOrStr = ""
    key_label: str = ""
    identifiers: Int64 = 0
    distinct_identifiers: Int64 = 0
    valid_values: Int64 = 0
    distinct_values: Int64 = 0
    multi_value: bool = False
    null_fraction: float = 0.0


def _merge(listed: list[Any], mapped: dict[str, Any], id_field: str) -> list[Any]:
    """One list from the [V2] list and the [CM] map: list entries win, map-only entries follow.

    A map entry without its own id gets the map key as id.
    """
    out = list(listed)
    known = {str(getattr(x, id_field)) for x in listed if getattr(x, id_field) not in ("", None)}
    for key, item in mapped.items():
        if getattr(item, id_field) in ("", None):
            item = item.model_copy(update={id_field: _to_int_or_str(key) if id_field == "key_id" else key})
        if str(getattr(item, id_field)) not in known:
            known.add(str(getattr(item, id_field)))
            out.append(item)
    return out


class KeyColumnStatsResponse(Model):
    key_id_to_stats: dict[str, KeyColumnStats] = Field(default_factory=dict)
    key_stats: list[KeyColumnStats] = Field(default_factory=list)

    @property
    def stats(self) -> list[KeyColumnStats]:
        return _merge(self.key_stats, self.key_id_to_stats, "key_id")


class IntRange(Model):
    lower: Int64 = 0  # inclusive
    upper: Int64 = 0  # exclusive


class Occurrence(Model):
    frequency: float = 0.0
    string_value: str | None = None
    int_value: Annotated[int | None, BeforeValidator(_to_int)] = None
    int_range: IntRange | None = None

    @property
    def value(self) -> str:
        if self.string_value is not None:
            return self.string_value
        if self.int_value is not None:
            return str(self.int_value)
        if self.int_range is not None:
            return f"[{self.int_range.lower}, {self.int_range.upper})"
        return ""


class Percentiles(Model):
    values: list[float] = Field(default_factory=list)  # 101 values: 0 %..100 %, first=min, last=max


class MostCommon(Model):
    occurrences: list[Occurrence] = Field(default_factory=list)


class RepresentationStats(Model):
    representation_id: str = ""
    representation_label: str = ""
    value_type: str = ""
    valid_values: Int64 = 0
    distinct_values: Int64 = 0
    multi_value: bool = False
    null_fraction: float = 0.0
    percentiles: Percentiles = Field(default_factory=Percentiles)
    most_common: MostCommon = Field(default_factory=MostCommon)
    #: not on the wire: the attribute column id when the entry came from the map form
    attribute_id: str = ""


class RepresentationsStatsList(Model):
    representations_stats: list[RepresentationStats] = Field(default_factory=list)


class AttributeStatsResponse(Model):
    id_to_representations_stats: dict[str, RepresentationsStatsList] = Field(default_factory=dict)
    attribute_stats: list[RepresentationStats] = Field(default_factory=list)

    @property
    def stats(self) -> list[RepresentationStats]:
        # the list form names no attribute column: take it from the map (columns ≠ representations)
        column_of = {rep.representation_id: attr_id for attr_id, group in self.id_to_representations_stats.items()
                     for rep in group.representations_stats if rep.representation_id}
        out = [s.model_copy(update={"attribute_id": column_of[s.representation_id]})
               if not s.attribute_id and s.representation_id in column_of else s for s in self.attribute_stats]
        known = {s.representation_id for s in out if s.representation_id}
        for attr_id, group in self.id_to_representations_stats.items():
            for rep in group.representations_stats:
                if rep.representation_id and rep.representation_id in known:
                    continue
                known.add(rep.representation_id)
                out.append(rep.model_copy(update={"attribute_id": rep.attribute_id or attr_id}))
        return out


class ExportColumnStats(Model):
    column_label: str = ""
    valid_values: Int64 = 0
    distinct_values: Int64 = 0
    #: the spec spells it ``multi_values`` here (``multi_value`` elsewhere); both accepted
    multi_values: bool = Field(default=False, validation_alias=AliasChoices("multi_values", "multi_value"))
    null_fraction: float = 0.0


class ExportColumnStatsResponse(Model):
    label_to_stats: dict[str, ExportColumnStats] = Field(default_factory=dict)
    export_column_stats: list[ExportColumnStats] = Field(default_factory=list)

    @property
    def stats(self) -> list[ExportColumnStats]:
        return _merge(self.export_column_stats, self.label_to_stats, "column_label")
