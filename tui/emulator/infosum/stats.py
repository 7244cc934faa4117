"""Dataset statistics for the four collaboration stats endpoints (reference §8.3.10–13).

All counts are uint64 sent as JSON strings; both the map form and the list form are emitted.
Numbers are derived deterministically from the dataset's ``stats_seed``. When the dataset's
permission in the collaboration restricts attributes, only the allowed ones are reported (GUESS).
"""

from __future__ import annotations

import random

from .catalog import ATTRIBUTES
from .model import Attribute, Dataset, DatasetPermission

NUMERIC_TYPES = ("INTEGER", "FLOAT")


def visible_attributes(ds: Dataset, perm: DatasetPermission | None) -> list[Attribute]:
    if perm is not None and perm.attribute_restriction:
        return [a for a in ds.attributes if a.name in perm.allowed_attributes]
    return list(ds.attributes)


def summary(ds: Dataset, perm: DatasetPermission | None) -> dict:
    return {"total_rows": str(ds.rows), "key_columns": str(len(ds.keys)),
            "attribute_columns": str(len(visible_attributes(ds, perm))),
            "export_columns": str(len(ds.export_columns))}


def key_columns(ds: Dataset) -> dict:
    stats = []
    for key in ds.keys:
        identifiers = int(ds.rows * key.fill_rate)
        valid = int(identifiers * (1.35 if key.multi_value else 1.0))
        stats.append({
            "key_id": str(key.key_id),
            "key_label": key.label,
            "identifiers": str(identifiers),
            "distinct_identifiers": str(int(identifiers * key.distinct_ratio)),
            "valid_values": str(valid),
            "distinct_values": str(int(valid * key.distinct_ratio)),
            "multi_value": key.multi_value,
            "null_fraction": round(1 - key.fill_rate, 4),
        })
    return {"key_id_to_stats": {s["key_id"]: s for s in stats}, "key_stats": stats}


def _percentiles(rng: random.Random, lo: float, hi: float, integer: bool) -> list[float]:
    shape = rng.uniform(0.7, 1.8)
    values = [lo + (hi - lo) * (p / 100) ** shape for p in range(101)]
    return [float(round(v)) if integer else round(v, 2) for v in values]


def _occurrences(rng: random.Random, spec, value_type: str, fill: float) -> list[dict]:
    if spec.values and value_type in ("STRING", "STRING_SET"):
        weights = [w * rng.uniform(0.8, 1.2) for _, w in spec.values]
        total = sum(weights)
        pairs = sorted(zip(spec.values, weights, strict=True), key=lambda p: -p[1])
        return [{"frequency": round(w / total * fill, 4), "string_value": value} for (value, _), w in pairs]
    if spec.ranges and value_type == "INTEGER_RANGE":
        weights = [rng.uniform(0.5, 1.5) for _ in spec.ranges]
        total = sum(weights)
        pairs = sorted(zip(spec.ranges, weights, strict=True), key=lambda p: -p[1])
        return [{"frequency": round(w / total * fill, 4), "int_range": {"lower": str(lo), "upper": str(hi)}}
                for (lo, hi), w in pairs]
    if spec.span and value_type == "INTEGER":
        lo, hi = spec.span
        picks = sorted({rng.randint(int(lo), int(hi)) for _ in range(8)})
        freqs = sorted((rng.uniform(0.01, 0.06) for _ in picks), reverse=True)
        return [{"frequency": round(f * fill, 4), "int_value": str(v)} for v, f in zip(picks, freqs, strict=True)]
    return []


def _distinct(spec, value_type: str, valid: int) -> int:
    if value_type in ("STRING", "STRING_SET") and spec.values:
        return len(spec.values)
    if value_type == "INTEGER_RANGE" and spec.ranges:
        return len(spec.ranges)
    if value_type == "INTEGER" and spec.span:
        return int(spec.span[1] - spec.span[0] + 1)
    return max(1, int(valid * 0.62))


def attribute_columns(ds: Dataset, perm: DatasetPermission | None) -> dict:
    by_id: dict[str, dict] = {}
    flat: list[dict] = []
    for attr in visible_attributes(ds, perm):
        spec = ATTRIBUTES[attr.name]
        reps = []
        for rep in attr.representations:
            rng = random.Random(f"{ds.stats_seed}:{rep.rep_id}")
            valid = int(ds.rows * attr.fill_rate * (1.8 if rep.multi_value else 1.0))
            percentiles: list[float] = []
            if rep.value_type in NUMERIC_TYPES and spec.span:
                percentiles = _percentiles(rng, spec.span[0], spec.span[1], rep.value_type == "INTEGER")
            reps.append({
                "representation_id": rep.rep_id,
                "representation_label": rep.label,
                "value_type": rep.value_type,
                "valid_values": str(valid),
                "distinct_values": str(_distinct(spec, rep.value_type, valid)),
                "multi_value": rep.multi_value,
                "null_fraction": round(1 - attr.fill_rate, 4),
                "percentiles": {"values": percentiles},
                "most_common": {"occurrences": _occurrences(rng, spec, rep.value_type, attr.fill_rate)},
            })
        by_id[str(attr.attr_id)] = {"representations_stats": reps}
        flat.extend(reps)
    return {"id_to_representations_stats": by_id, "attribute_stats": flat}


def export_columns(ds: Dataset) -> dict:
    stats = []
    for n, label in enumerate(ds.export_columns):
        rng = random.Random(f"{ds.stats_seed}:export:{n}")
        fill = rng.uniform(0.55, 0.98)
        valid = int(ds.rows * fill)
        stats.append({"column_label": label, "valid_values": str(valid),
                      "distinct_values": str(int(valid * rng.uniform(0.85, 0.99))),
                      "multi_values": label in ("maid", "ip_address"),
                      "null_fraction": round(1 - fill, 4)})
    return {"label_to_stats": {s["column_label"]: s for s in stats}, "export_column_stats": stats}
