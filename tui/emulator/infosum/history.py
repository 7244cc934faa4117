"""Seeded event history: which events a collaboration's past holds, and their details on demand.

Seeded events are stored as ``(time, type, company, variant)``; :class:`HistoryRenderer` turns
the variant into message/metadata/entities when a page is rendered, by picking (deterministically,
from the variant) among the datasets, destinations, audiences and segments the collaboration has
known. Nothing per event is kept beyond four small values.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from . import messages
from .events import EventDetail

AUDIENCES = ("Frequent shoppers 25-44", "Lapsed loyalty members", "High-value travellers",
             "CTV heavy viewers", "New parents", "Weekend cyclists", "Premium subscribers",
             "Eco-conscious buyers", "Gold tier lookalikes", "Business flyers")
SEGMENTS = ("London 18-34", "Affluent suburbs", "Sports fans", "Cooking enthusiasts", "Tech early adopters",
            "Holiday planners", "Print readers")
CAMPAIGNS = ("spring_sale_2026", "summer_getaway", "back_to_school", "black_friday", "loyalty_winback",
             "ctv_pilot_wave2", "brand_lift_q3", "new_store_openings")
QUERY_SHAPES = ("SELECT COUNT() FROM {a}",
                "SELECT AGGREGATE({a}.age) FROM {a} INTERSECT {b}",
                "SELECT AGGREGATE({a}.gender, {a}.region) FROM {a} INTERSECT {b}",
                "SELECT TOPN({b}.interest, 5) FROM {a} INTERSECT {b}",
                "SELECT COUNT() FROM {a} INTERSECT {b} WHERE {a}.age > 25")

#: seeded activity (not structural) event types and their relative weights
ACTIVITY_WEIGHTS = {
    "TYPE_INSIGHT_QUERY_SUCCESSFUL": 40, "TYPE_ACTIVATION_QUERY_SUCCESSFUL": 8,
    "TYPE_ACTIVATION_QUERY_RESULTS_EXPORTED": 6, "TYPE_DATASET_PUBLISHED": 6, "TYPE_AUDIENCE_CREATED": 5,
    "TYPE_AUDIENCE_DELETED": 2, "TYPE_SEGMENT_CREATED": 4, "TYPE_SEGMENT_DELETED": 1,
    "TYPE_ACTIVATION_SEGMENT_CALCULATED": 5, "TYPE_ACTIVATION_SEGMENT_EXPORTED": 3,
    "TYPE_ACTIVATION_SEGMENT_EXPORT_AUTOMATED": 3, "TYPE_PRIVATE_PATH_ID_ROTATED": 1,
}
OPERATOR_TYPES = frozenset({"TYPE_INSIGHT_QUERY_SUCCESSFUL", "TYPE_ACTIVATION_QUERY_SUCCESSFUL",
                            "TYPE_ACTIVATION_QUERY_RESULTS_EXPORTED", "TYPE_AUDIENCE_CREATED",
                            "TYPE_AUDIENCE_DELETED", "TYPE_SEGMENT_CREATED", "TYPE_SEGMENT_DELETED",
                            "TYPE_ACTIVATION_SEGMENT_CALCULATED", "TYPE_ACTIVATION_SEGMENT_EXPORTED",
                            "TYPE_ACTIVATION_SEGMENT_EXPORT_AUTOMATED"})
DATASET_OWNER_TYPES = frozenset({"TYPE_DATASET_PUBLISHED", "TYPE_PRIVATE_PATH_ID_ROTATED"})

Ref = tuple[str, str, str]  # (id, name, owner company id)


@dataclass
class Catalog:
    """Everything a collaboration's history may mention, and when each asset was part of it."""

    datasets: list[Ref] = field(default_factory=list)
    destinations: list[Ref] = field(default_factory=list)
    dataset_rows: dict[str, int] = field(default_factory=dict)
    #: asset id -> (from, until) epoch seconds it was in the collaboration
    windows: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: ids of identity (activation) datasets: they have no attributes to query
    identity: set[str] = field(default_factory=set)

    def add(self, ref: Ref, since: float, until: float = float("inf"), rows: int | None = None,
            identity: bool = False) -> None:
        (self.destinations if ref[0].startswith("DST.") else self.datasets).append(ref)
        self.windows[ref[0]] = (since, until)
        if rows is not None:
            self.dataset_rows[ref[0]] = rows
        if identity:
            self.identity.add(ref[0])

    def kind(self, refs: list[Ref], identity: bool) -> list[Ref]:
        return [r for r in refs if (r[0] in self.identity) == identity] or refs

    def close_window(self, asset_id: str, until: float) -> None:
        if asset_id in self.windows:
            self.windows[asset_id] = (self.windows[asset_id][0], until)

    def at(self, refs: list[Ref], when: float) -> list[Ref]:
        """The assets present at ``when`` (all of them if none was, so rendering stays total)."""
        present = [r for r in refs if self.windows.get(r[0], (0, float("inf")))[0] <= when
                   < self.windows.get(r[0], (0, float("inf")))[1]]
        return present or refs

    @staticmethod
    def owned(refs: list[Ref], company_id: str) -> list[Ref]:
        mine = [r for r in refs if r[2] == company_id]
        return mine or refs


class HistoryRenderer:
    def __init__(self, company_names: dict[str, str], catalog: Catalog) -> None:
        self.names = company_names
        self.catalog = catalog

    def __call__(self, event_type: str, company_id: str, variant: int, when: datetime) -> EventDetail:
        actor = self.names.get(company_id, company_id)
        cat = self.catalog
        v = variant
        moment = when.timestamp()
        datasets = cat.at(cat.datasets, moment)
        destinations = cat.at(cat.destinations, moment)

        def pick(seq, salt: int):
            return seq[(v // salt) % len(seq)]

        token = f"{v:08x}"
        if event_type == "TYPE_INSIGHT_QUERY_SUCCESSFUL":
            insight = cat.kind(datasets, identity=False)
            a = pick(insight, 1)
            b = pick(insight, 7)
            shape = pick(QUERY_SHAPES, 13)
            if "{b}" in shape and a != b:
                used, text = [a, b], shape.format(a=a[1], b=b[1])
            else:
                used, text = [a], shape.format(a=a[1], b=a[1]).replace(f" INTERSECT {a[1]}", "", 1)
            rows = min(cat.dataset_rows.get(r[0], 1_000_000) for r in used)
            audience = max(100, int(rows * (0.05 + (v % 997) / 997 * 0.5)) // 100 * 100)
            return messages.insight_query(actor, f"q-{token}", text, used, audience)
        if event_type == "TYPE_ACTIVATION_QUERY_SUCCESSFUL":
            ds = pick(cat.kind(datasets, identity=True), 3)
            return messages.activation_query(actor, f"a-{token}", pick(CAMPAIGNS, 5), ds, 10_000 + v % 2_000_000)
        if event_type == "TYPE_ACTIVATION_QUERY_RESULTS_EXPORTED":
            dest = pick(cat.owned(destinations, company_id), 3) if destinations else ("", "", "")
            return messages.results_exported(actor, f"a-{token}", pick(CAMPAIGNS, 5), dest, 10_000 + v % 2_000_000)
        if event_type in ("TYPE_DATASET_PUBLISHED", "TYPE_PRIVATE_PATH_ID_ROTATED"):
            ds = pick(cat.owned(datasets, company_id), 3)
            if event_type == "TYPE_PRIVATE_PATH_ID_ROTATED":
                return messages.private_path_rotated(actor, ds)
            rows = int(cat.dataset_rows.get(ds[0], 1_000_000) * (0.97 + (v % 61) / 1000))
            return messages.dataset_published(actor, ds, rows)
        if event_type in ("TYPE_AUDIENCE_CREATED", "TYPE_AUDIENCE_DELETED"):
            return messages.audience_change(event_type == "TYPE_AUDIENCE_CREATED", actor, company_id,
                                            f"AUD.{token}", pick(AUDIENCES, 3), 5_000 + v % 900_000)
        if event_type in ("TYPE_SEGMENT_CREATED", "TYPE_SEGMENT_DELETED"):
            return messages.segment_change(event_type == "TYPE_SEGMENT_CREATED", actor, company_id,
                                           f"SEG.{token}", pick(SEGMENTS, 3))
        if event_type.startswith("TYPE_ACTIVATION_SEGMENT_"):
            dest = pick(cat.owned(destinations, company_id), 5) if destinations else None
            if dest is None and event_type != "TYPE_ACTIVATION_SEGMENT_CALCULATED":
                event_type = "TYPE_ACTIVATION_SEGMENT_CALCULATED"
            return messages.activation_segment(event_type, actor, company_id, f"ASG.{token}",
                                               pick(SEGMENTS, 3), 20_000 + v % 3_000_000, dest)
        return EventDetail(f"{actor}: {event_type}")  # not produced by the seed; kept total


def activity_rows(rng: random.Random, count: int, start: int, end: int, owner_id: str,
                  operators: list[str], dataset_owners: list[str], left: dict[str, int],
                  private_path: bool, has_destinations: bool) -> list[tuple[float, str, str, int]]:
    """``count`` activity events between ``start`` and ``end`` (epoch seconds), actors by right."""
    weights = dict(ACTIVITY_WEIGHTS)
    if not private_path:
        weights["TYPE_PRIVATE_PATH_ID_ROTATED"] = 0
    if not has_destinations:
        for t in ("TYPE_ACTIVATION_QUERY_RESULTS_EXPORTED", "TYPE_ACTIVATION_SEGMENT_EXPORTED",
                  "TYPE_ACTIVATION_SEGMENT_EXPORT_AUTOMATED"):
            weights[t] = 0
    types = list(weights)
    chosen = rng.choices(types, weights=[weights[t] for t in types], k=count)
    times = sorted(rng.randint(start, end) for _ in range(count))
    operators = operators or [owner_id]
    dataset_owners = dataset_owners or [owner_id]
    rows = []
    for ts, event_type in zip(times, chosen, strict=True):
        pool = operators if event_type in OPERATOR_TYPES else dataset_owners
        actor = pool[rng.randrange(len(pool))]
        if actor in left and ts >= left[actor]:
            actor = owner_id  # a company that left does nothing afterwards
        rows.append((float(ts), event_type, actor, rng.getrandbits(30)))
    return rows
