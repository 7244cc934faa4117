"""Insight queries, in either wire format (the package docstring): an ``InfoSumClient`` mixin."""

from __future__ import annotations

import asyncio
from typing import Any

from ...http import ApiError
from ..models import (
    QueryResult,
    QueryStatus,
)
from .core import (
    PLATFORM,
    ClientCore,
    QueryNotReady,
    _segment,
    _unwrap,
)


class QueriesApi(ClientCore):
    """Insight queries."""

    # ------------------------------------------------------------------ insight queries

    @property
    def _query_base(self) -> str:
        return "/api/v1/queries" if self.query_api == "v1" else "/api/v1/insights"

    async def create_query(self, query: str, collaboration_id: str | None = None,
                           sample: bool = False) -> QueryStatus:
        """Queue an IQL query; returns its status (``query_id``, ``done``)."""
        if not query or not query.strip():
            raise ValueError("an insight query needs IQL text")
        body: dict[str, Any] = {"query": query}
        if collaboration_id:
            body["collaboration_id"] = collaboration_id
        if sample:  # v1 only; the playbook body has no such field
            body["sample"] = True
        path = self._query_base
        answer = await self._create(path, body)
        status = self._parse(QueryStatus, answer, path)
        if not status.query_id:
            raise ApiError(message="the platform accepted the query but returned no query_id",
                           code="BAD_RESPONSE", platform=PLATFORM, method="POST", path=path)
        return status

    async def query_status(self, query_id: str) -> QueryStatus:
        path = f"{self._query_base}/{_segment(query_id, 'query id')}"
        body = await self._get(path)
        status = self._parse(QueryStatus, body, path)
        if not status.query_id:  # the playbook's status body has no query_id
            status = status.model_copy(update={"query_id": query_id})
        return status

    async def query_result(self, query_id: str) -> QueryResult:
        """The result; raises :class:`QueryNotReady` while it is not available yet."""
        suffix, not_ready = ("result", 404) if self.query_api == "v1" else ("results", 409)
        path = f"{self._query_base}/{_segment(query_id, 'query id')}/{suffix}"
        try:
            body = await self._get(path)
        except ApiError as err:
            if err.status == not_ready:
                raise QueryNotReady.from_error(err) from None
            raise
        return self._parse(QueryResult, body, path)

    async def wait_for_query(self, query_id: str, *, timeout: float = 300.0, first_interval: float = 1.0,
                             max_interval: float = 10.0) -> QueryStatus:
        """Poll ``query_status`` (1 s doubling to 10 s) until done; ApiError(code="TIMEOUT") after ``timeout``.

        Counts the slept time rather than wall time, so tests with a no-op sleep stay instant.
        """
        sleep = self._sleep or asyncio.sleep
        waited, interval = 0.0, first_interval
        while True:
            status = await self.query_status(query_id)
            if status.done:
                return status
            if waited >= timeout:
                raise ApiError(message=f"query {query_id} not done after {timeout:.0f}s", code="TIMEOUT",
                               platform=PLATFORM, method="GET", path=self._query_base)
            await sleep(interval)
            waited += interval
            interval = min(max_interval, interval * 2)

    # ------------------------------------------------------------------ activations (issue 20.3)

    async def create_activation(self, query: str, campaign_name: str,
                                collaboration_id: str | None = None) -> Any:
        """``POST /api/v1/activations``: queue an activation query; sent once, never retried."""
        from ..activations import ActivationCreated

        body: dict[str, Any] = {"query": query, "campaign_name": campaign_name}
        if collaboration_id:
            body["collaboration_id"] = collaboration_id
        path = "/api/v1/activations"
        created = self._parse(ActivationCreated, await self._create(path, body), path)
        if not created.activation_id:
            raise ApiError(message="the platform accepted the activation but returned no activation_id",
                           code="BAD_RESPONSE", platform=PLATFORM, method="POST", path=path)
        return created

    async def get_activation(self, activation_id: str) -> Any:
        from ..activations import Activation

        path = f"/api/v1/activations/{_segment(activation_id, 'activation id')}"
        body = await self._get(path)
        return self._parse(Activation, _unwrap(body, "activation"), path)

    async def push_activation(self, activation_id: str, destination_id: str, push_config: dict[str, Any]) -> Any:
        """``POST /api/v2/activations/queries/{id}/destinations/{did}/push {push_config}``; sent once."""
        from ..activations import PushCreated

        path = (f"/api/v2/activations/queries/{_segment(activation_id, 'activation id')}/destinations/"
                f"{_segment(destination_id, 'destination id')}/push")
        return self._parse(PushCreated, await self._create(path, {"push_config": push_config}), path)
