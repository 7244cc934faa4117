"""InfoSum reads, described once: cache kind and key, client call and model of each.

The InfoSum counterpart of :mod:`tui.core.liveramp` (see there, and :mod:`tui.core.reads`).
InfoSum publishes no status-read budget, so no read here is charged to a ledger. Each write is a
:class:`~tui.core.reads.Write` (method, path, body) the confirmation screen shows before it is sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from .reads import Read, Write

#: the API's largest page (reference §5.1): lists a screen shows are read in one page
MAX_PAGE = 500


def models() -> Any:
    from ..api.infosum import models as m

    return m


async def _company(client: Any) -> dict[str, str]:
    me = await client.me()
    return {"name": me.company.display_name or me.company.id, "id": me.company.id}


def identity() -> Read[dict[str, str]]:
    """The company the API key belongs to (decides who may close or leave a collaboration)."""
    return Read("identity", "", _company, lambda: dict[str, str])


async def probe(client: Any) -> Any:
    """The cheapest read that proves the platform answers (the reconnector's)."""
    return await client.me()


# ---------------------------------------------------------------------------- collaborations

async def _every_collaboration(client: Any) -> list[Any]:
    return [c async for c in client.iter_collaborations()]


def collaborations() -> Read[list[Any]]:
    return Read("collaborations", "", _every_collaboration, lambda: list[models().CollaborationSummary])


def collaboration(cid: str) -> Read[Any]:
    """One collaboration with its owner and members."""
    return Read("collaboration", cid, lambda c: c.get_collaboration(cid), lambda: models().Collaboration)


def datasets_of(cid: str) -> Read[list[Any]]:
    async def call(client: Any) -> list[Any]:
        return (await client.list_collaboration_datasets(cid, per_page=MAX_PAGE)).items

    return Read("collaboration-datasets", cid, call, lambda: list[models().CollaborationDataset])


def destinations_of(cid: str) -> Read[list[Any]]:
    async def call(client: Any) -> list[Any]:
        return (await client.list_collaboration_destinations(cid, per_page=MAX_PAGE)).items

    return Read("collaboration-destinations", cid, call, lambda: list[models().CollaborationDestination])


# ---------------------------------------------------------------------------- what the company owns

def own_datasets() -> Read[list[Any]]:
    """The company's datasets (what may be added to a collaboration)."""
    async def call(client: Any) -> list[Any]:
        return (await client.list_datasets(per_page=MAX_PAGE)).items

    return Read("own-datasets", "", call, lambda: list[models().Dataset])


def own_destinations() -> Read[list[Any]]:
    """The company's destination instances (what may be added to a collaboration)."""
    async def call(client: Any) -> list[Any]:
        return (await client.list_destination_instances(per_page=MAX_PAGE)).items

    return Read("own-destinations", "", call, lambda: list[models().DestinationInstance])


# ---------------------------------------------------------------------------- stats

def summary_stats(cid: str, dataset_id: str) -> Read[Any]:
    return Read("stats-summary", f"{cid}:{dataset_id}", lambda c: c.summary_stats(cid, dataset_id),
                lambda: models().SummaryStats)


def key_stats(cid: str, dataset_id: str) -> Read[Any]:
    return Read("stats-keys", f"{cid}:{dataset_id}", lambda c: c.key_column_stats(cid, dataset_id),
                lambda: models().KeyColumnStatsResponse)


def attribute_stats(cid: str, dataset_id: str) -> Read[Any]:
    return Read("stats-attributes", f"{cid}:{dataset_id}", lambda c: c.attribute_stats(cid, dataset_id),
                lambda: models().AttributeStatsResponse)


def export_stats(cid: str, dataset_id: str) -> Read[Any]:
    return Read("stats-exports", f"{cid}:{dataset_id}", lambda c: c.export_column_stats(cid, dataset_id),
                lambda: models().ExportColumnStatsResponse)


# ---------------------------------------------------------------------------- the event log

def export_events(cid: str, path: Any, *, order_by: str | None = None, filter: str | None = None,
                  on_progress: Any = None) -> Callable[[Any], Awaitable[int]]:
    """The collaboration's event log streamed to ``path`` (CSV; written to a temp file, then
    renamed): a call for ``session.call``, answering the bytes written. Never cached."""
    return lambda c: c.export_events(cid, path, order_by=order_by, filter=filter, on_progress=on_progress)


def events_page(cid: str, page: int, per_page: int, order_by: str | None,
                filter: str | None) -> Callable[[Any], Awaitable[Any]]:
    """One page of the collaboration's event log (a call for ``session.call``; never cached alone)."""
    return lambda c: c.list_events(cid, page=page, per_page=per_page, order_by=order_by, filter=filter)


class EventQuery:
    """One ``events`` request: the filter string, the order, and how far to read (full client)."""

    def __init__(self, cid: str, filter_text: str | None, descending: bool, since: datetime | None,
                 limit: int) -> None:
        self.cid = cid
        self.filter = filter_text
        self.descending = descending
        self.since = since
        self.limit = limit

    @staticmethod
    def order_by(descending: bool) -> str:
        from ..api.infosum.filters import order_by

        return order_by(("event_date_time", descending))

    async def read(self, client: Any) -> list[Any]:
        """The events (models), in the requested order (paged; stops early where it can)."""
        if self.since is not None and not self.descending:
            # time-bounded and oldest first: read back to ``since``, then turn around
            found = await self._read(client, descending=True, cap=0)
            found.reverse()
            return found[: self.limit] if self.limit else found
        return await self._read(client, descending=self.descending, cap=self.limit)

    async def _read(self, client: Any, *, descending: bool, cap: int) -> list[Any]:
        per_page = min(MAX_PAGE, cap) if cap else MAX_PAGE
        out: list[Any] = []
        page = 1
        while True:
            batch = await events_page(self.cid, page, per_page, self.order_by(descending), self.filter)(client)
            for event in batch.items:
                at = event.event_date_time
                if descending and self.since is not None and at is not None and at < self.since:
                    return out
                out.append(event)
                if cap and len(out) >= cap:
                    return out
            if not batch.items or batch.next_page <= page:
                return out
            if batch.total_results is not None and page * per_page >= batch.total_results:
                return out
            page = batch.next_page


def events(query: EventQuery, key: str) -> Read[list[Any]]:
    """The events ``query`` asks for, cached under ``key`` (the command's own spelling of the query)."""
    return Read("events", key, query.read, lambda: list[models().CollaborationEvent])


# ---------------------------------------------------------------------------- insight queries

def query_status(query_id: str) -> Read[Any]:
    return Read("query-status", query_id, lambda c: c.query_status(query_id), lambda: models().QueryStatus)


def query_result(query_id: str) -> Read[Any]:
    return Read("query-result", query_id, lambda c: c.query_result(query_id), lambda: models().QueryResult)


# ---------------------------------------------------------------------------- writes

def _collab(cid: str, *rest: str) -> str:
    return "/".join(("/api/v2/collaborations", cid, *rest))


def close_collaboration(cid: str) -> Write[None]:
    return Write("POST", _collab(cid, "close"), lambda c: c.close_collaboration(cid))


def leave_collaboration(cid: str) -> Write[None]:
    return Write("POST", _collab(cid, "leave"), lambda c: c.leave_collaboration(cid))


def add_dataset(cid: str, dataset_id: str, name: str) -> Write[None]:
    """One of the company's datasets into the collaboration under ``name``: intersection only, no
    attribute restriction, no activation, exportable to nobody (the TUI's one, safe, rule set)."""
    body = {"dataset_id": dataset_id, "collaboration_dataset_name": name, "intersection_only": True,
            "attribute_restriction": False, "allowed_attributes": [], "activation_allowed": False,
            "exportable_to_members": [], "destination_type_restriction": False, "allowed_destination_types": []}
    return Write("POST", _collab(cid, "datasets"),
                 lambda c: c.add_dataset(cid, dataset_id, name, intersection_only=True), body=body)


def remove_dataset(cid: str, dataset_id: str) -> Write[None]:
    return Write("DELETE", _collab(cid, "datasets", dataset_id), lambda c: c.remove_dataset(cid, dataset_id))


def add_destination(cid: str, destination_id: str) -> Write[None]:
    return Write("POST", _collab(cid, "destinations"), lambda c: c.add_destination(cid, destination_id),
                 body={"destination_id": destination_id})


def remove_destination(cid: str, destination_id: str) -> Write[None]:
    return Write("DELETE", _collab(cid, "destinations", destination_id),
                 lambda c: c.remove_destination(cid, destination_id))


def create_query(text: str, collaboration_id: str | None = None, *, sample: bool = False) -> Write[Any]:
    """An insight query (v1 wire format): sent once by the launcher, which journals it."""
    body: dict[str, Any] = {"query": text}
    if collaboration_id:
        body["collaboration_id"] = collaboration_id
    if sample:
        body["sample"] = True
    return Write("POST", "/api/v1/queries", lambda c: c.create_query(text, collaboration_id, sample=sample),
                 body=body)


__all__ = [
    "MAX_PAGE", "EventQuery", "events", "events_page", "attribute_stats", "collaboration", "collaborations", "datasets_of", "destinations_of",
    "export_events", "export_stats", "identity", "close_collaboration", "leave_collaboration",
    "add_dataset", "remove_dataset", "add_destination", "remove_destination", "create_query", "key_stats", "models", "own_datasets", "own_destinations", "probe",
    "query_result", "query_status", "summary_stats",
]
