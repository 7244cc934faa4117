"""The collaboration event log: list (paginated) and CSV export (reference §8.3.14–15).

Every current member may read the log (GUESS); members without ``detailed_logs`` get each
event's ``metadata`` as ``{}`` — the message and entities stay (GUESS, reference §8.3.14).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from starlette.responses import StreamingResponse
from starlette.routing import Route

from .endpoint import endpoint, parse_filter_param
from .events import csv_chunks, ordered
from .filters import STRING, compile_filter
from .ordering import parse_order_by
from .pagination import page_block, parse_page
from .rights import rights, visible_collaboration
from .world import World

FILTER_FIELDS = {"event_type": STRING, "company_id": STRING}
ORDER_COLUMNS = ("event_date_time",)
DEFAULT_ORDER = [("event_date_time", True)]  # newest first (GUESS, reference §5.2)
KEY_GETTERS = {"event_type": lambda key: key[0], "company_id": lambda key: key[1]}


def routes(world: World) -> list[Route]:
    def select(request, user):
        collab = visible_collaboration(world, user.company_id, request.path_params["collaboration_id"])
        terms = parse_order_by(request.query_params.get("order_by"), ORDER_COLUMNS, DEFAULT_ORDER)
        node = parse_filter_param(request.query_params, FILTER_FIELDS)
        accepts = compile_filter(node, KEY_GETTERS, FILTER_FIELDS) if node is not None else None
        # event_date_time is the only sort column, so the first term decides the direction
        indexes = ordered(collab.events.matching(accepts), terms[0][1])
        return collab, indexes, not rights(collab, user.company_id).detailed_logs

    async def list_events(request, user):
        page = parse_page(request.query_params)
        collab, indexes, strip = select(request, user)
        events = []
        for index in indexes[page.start:page.stop]:
            event = collab.events.event(index)
            if strip:
                event["metadata"] = {}
            events.append(event)
        return {"events": events, "pagination": page_block(len(indexes), page)}

    async def export_events(request, user):
        collab, indexes, strip = select(request, user)

        async def chunks() -> AsyncIterator[bytes]:
            # an async generator runs on the event loop (not a worker thread), so it never reads
            # the log while a request handler is changing it
            for chunk in csv_chunks(collab.events, indexes, strip):
                yield chunk

        filename = re.sub(r"[^A-Za-z0-9._-]", "_", f"collaboration-events-{collab.id}.csv")
        return StreamingResponse(chunks(), media_type="text/csv",
                                 headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    base = "/v2/collaborations/{collaboration_id}/events"
    return [
        Route(base, endpoint(world, list_events), methods=["GET"]),
        Route(f"{base}/export", endpoint(world, export_events), methods=["GET"]),
    ]
