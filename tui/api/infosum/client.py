"""The InfoSum API client (async, httpx), written from reference/infosum-api.md.

One client per profile. It speaks to https://api.infosum.com or to the emulator the same way:

- auth: the API key, raw, in the ``Authorization`` header of every call (no ``Bearer``; §2);
- paths ``/api/v1/...`` and ``/api/v2/...`` under ``profile.base_url``;
- GETs retry on connect errors, 5xx and 429 (honouring Retry-After) through :class:`HttpCore`;
  writes (POST/DELETE) are sent exactly once — this module adds no retries of its own;
- every failure is an :class:`ApiError` (v2 ``{error, details, request_id}``, v1 ``tyraelError``,
  rpcStatus and playbook bodies are all parsed by ``error_from_response``); a response that does not
  fit the models is an ``ApiError`` with ``code="BAD_RESPONSE"``; argument mistakes caught before
  sending are ``ValueError``.

Insight queries have two wire formats (§10.2 v1, §10.3 playbook). Pick one with ``query_api``:

- ``"v1"`` (default): ``POST /api/v1/queries``, ``GET /api/v1/queries/{id}``, ``GET …/result``;
  a 404 on ``/result`` means "not ready yet" (the v1 API does not tell it apart from "unknown id";
  :meth:`InfoSumClient.query_status` does, with its own 404).
- ``"insights"``: ``POST /api/v1/insights``, ``GET /api/v1/insights/{id}``, ``GET …/results``;
  409 means "not ready yet".

Either way "not ready" raises :class:`QueryNotReady` (a subclass of ``ApiError``), so a caller can
poll ``query_status`` until ``done`` and still handle a race on ``query_result``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import fields
from pathlib import Path
from typing import Any, BinaryIO, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from ...config import ConfigError, Profile
from ..http import REDACT, ApiError, HttpCore, RetryPolicy, Sleep, decode_json, network_error
from ..items import parse_items
from .models import (
    Account,
    AttributeStatsResponse,
    Collaboration,
    CollaborationDataset,
    CollaborationDestination,
    CollaborationEvent,
    CollaborationSummary,
    Dataset,
    DestinationInstance,
    ExportColumnStatsResponse,
    Health,
    KeyColumnStatsResponse,
    MemberRights,
    Page,
    Pagination,
    QueryResult,
    QueryStatus,
    SummaryStats,
)

log = logging.getLogger("tui.api.infosum")

PLATFORM = "infosum"
MAX_PER_PAGE = 500  # §5.1
QUERY_APIS = ("v1", "insights")
#: host used for an embedded (in-process) emulator: the ASGI transport ignores it
EMBEDDED_BASE_URL = "http://infosum.emulator"

_DATASET_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

M = TypeVar("M", bound=BaseModel)


class QueryNotReady(ApiError):
    """The insight query's result is not available yet (v1: 404 on ``/result``; playbook: 409)."""

    @classmethod
    def from_error(cls, err: ApiError) -> QueryNotReady:
        return cls(**{f.name: getattr(err, f.name) for f in fields(err)})


def _segment(value: str, what: str) -> str:
    """One path segment from an id: non-empty, no dot-segments, percent-encoded."""
    if not isinstance(value, str) or not value.strip() or value in {".", ".."}:
        raise ValueError(f"{what} must be a non-empty id, got {value!r}")
    return quote(value, safe="")


def _page_params(page: int, per_page: int, order_by: str | None, filter: str | None) -> dict[str, Any]:
    if page < 1:
        raise ValueError(f"page must be >= 1, got {page}")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}, got {per_page}")
    return {"pagination.page": page, "pagination.per_page": per_page,
            "order_by": order_by or None, "filter": filter or None}


def validate_dataset_name(name: str) -> str:
    """``collaboration_dataset_name``: 1–17 ASCII letters or digits (§6)."""
    if not isinstance(name, str) or not 1 <= len(name) <= 17 or not set(name) <= _DATASET_NAME_CHARS:
        raise ValueError(
            f"collaboration dataset name must be 1-17 letters or digits (A-Z, a-z, 0-9), got {name!r}")
    return name


def _rights(value: MemberRights | dict[str, Any]) -> dict[str, bool]:
    rights = value if isinstance(value, MemberRights) else MemberRights.model_validate(value)
    return rights.model_dump()


def _unwrap(body: Any, key: str) -> Any:
    """``{"collaboration": {...}}`` → the inner object; a flat object is taken as it is."""
    if isinstance(body, dict) and isinstance(body.get(key), dict):
        return body[key]
    return {} if body is None else body


class InfoSumClient:
    """Async client for the InfoSum API. Use as ``async with InfoSumClient(profile) as c: ...``."""

    def __init__(
        self,
        profile: Profile,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep | None = None,
        retry: RetryPolicy | None = None,
        query_api: str = "v1",
        on_call: Callable[[str, str, int | None], None] | None = None,
        timeout: httpx.Timeout | float | None = None,
    ) -> None:
        if query_api not in QUERY_APIS:
            raise ValueError(f"query_api must be one of {', '.join(QUERY_APIS)}, got {query_api!r}")
        key = profile.secret()
        REDACT.add(key)  # before anything could print it
        if not key or not key.isascii() or not key.isprintable() or any(ch.isspace() for ch in key):
            raise ConfigError(f"profile {profile.name!r}: the API key is empty or has characters "
                              "an HTTP header cannot carry")
        self.profile = profile
        self.query_api = query_api
        base_url = profile.base_url.rstrip("/")
        if profile.embedded:
            if transport is None:
                raise ValueError("an embedded profile needs the emulator's ASGI transport")
            base_url = EMBEDDED_BASE_URL
        elif base_url.endswith("/api"):
            base_url = base_url[: -len("/api")]  # the client adds /api/v1|v2 itself
        self.base_url = base_url
        self._sleep = sleep
        self._core = HttpCore(base_url, platform=PLATFORM, transport=transport, sleep=sleep, retry=retry,
                              verify=profile.ca_bundle or True, on_call=on_call, timeout=timeout)
        self._core.http.headers["Authorization"] = key  # raw key, no "Bearer" (reference §2)
        log.debug("InfoSum client for profile %s at %s (queries: %s)", profile.name, base_url, query_api)

    def __repr__(self) -> str:
        return (f"InfoSumClient(profile={self.profile.name!r}, base_url={self.base_url!r}, "
                f"query_api={self.query_api!r})")

    __str__ = __repr__

    async def __aenter__(self) -> InfoSumClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._core.aclose()

    # ------------------------------------------------------------------ plumbing

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return await self._core.json("GET", path, params=params)

    async def _write(self, method: str, path: str, body: Any = None) -> httpx.Response:
        """Sent once, never retried (HttpCore). The ``{}`` answer of add/remove/close is not read:
        a success must not turn into an error because of an odd body."""
        return await self._core.send(method, path, json_body=body)

    async def _create(self, path: str, body: Any) -> Any:
        return decode_json(await self._write("POST", path, body), PLATFORM)

    def _parse(self, model: type[M], data: Any, path: str) -> M:
        try:
            return model.model_validate({} if data is None else data)
        except ValidationError as exc:
            first = exc.errors(include_input=False, include_url=False)[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "body"
            raise ApiError(
                message=f"unexpected response shape for {model.__name__}: {where}: {first.get('msg')}",
                code="BAD_RESPONSE", platform=PLATFORM, method="GET", path=path,
            ) from None

    def _page(self, body: Any, keys: tuple[str, ...], model: type[M], path: str,
              page: int, per_page: int) -> Page[M]:
        body = body if isinstance(body, dict) else {}
        raw = next((body[k] for k in keys if isinstance(body.get(k), list)), [])
        # each item on its own: one malformed event must not fail the page (issue 16)
        items = parse_items(model, raw, path=path, platform=PLATFORM)
        block = body.get("pagination")
        if not isinstance(block, dict):
            block = body.get("pagination_response")  # the one deprecated endpoint's spelling (§5.1)
        if isinstance(block, dict):
            p = self._parse(Pagination, block, path)
            # grpc-gateway omits zeros: a missing total with items on the page means "unknown"
            total = p.total_results if ("total_results" in block or not items) else None
            results = p.results if "results" in block else len(raw)
            next_page = p.next_page
        else:
            total, results, next_page = None, len(raw), 0
        return Page[model](items=items, page=page, per_page=per_page, next_page=next_page,
                           results=results, total_results=total, problems=items.problems)

    async def _list(self, path: str, keys: tuple[str, ...], model: type[M], page: int, per_page: int,
                    order_by: str | None, filter: str | None, **extra: Any) -> Page[M]:
        params = _page_params(page, per_page, order_by, filter)
        params.update(extra)
        body = await self._get(path, params)
        return self._page(body, keys, model, path, page, per_page)

    @staticmethod
    async def _iterate(fetch: Callable[[int], Awaitable[Page[M]]]) -> AsyncIterator[M]:
        """Every item across pages: stop on no/zero/backward next_page, an empty page, or seen ≥ total."""
        page_no, seen = 1, 0
        while True:
            page = await fetch(page_no)
            for item in page.items:
                yield item
            seen += len(page.items)
            if not page.items or page.results == 0 or page.next_page <= page_no:
                return
            if page.total_results is not None and seen >= page.total_results:
                return
            page_no = page.next_page

    # ------------------------------------------------------------------ accounts, health

    async def me(self) -> Account:
        """``GET /api/v2/accounts/me``: the key's user and company."""
        path = "/api/v2/accounts/me"
        return self._parse(Account, _unwrap(await self._get(path), "account"), path)

    async def company_display_name(self, company_id: str) -> str:
        if not company_id:
            raise ValueError("company_id is required")
        body = await self._get("/api/v2/accounts/companies/display_name", {"company_id": company_id})
        name = body.get("company_display_name") if isinstance(body, dict) else None
        return str(name or "")

    async def health(self) -> Health:
        path = "/api/v1/health"
        return self._parse(Health, await self._get(path), path)

    # ------------------------------------------------------------------ collaborations

    async def list_collaborations(self, page: int = 1, per_page: int = 100, order_by: str | None = None,
                                  filter: str | None = None) -> Page[CollaborationSummary]:
        return await self._list("/api/v2/collaborations", ("collaborations",), CollaborationSummary,
                                page, per_page, order_by, filter)

    def iter_collaborations(self, order_by: str | None = None, filter: str | None = None,
                            per_page: int = MAX_PER_PAGE) -> AsyncIterator[CollaborationSummary]:
        _page_params(1, per_page, None, None)  # fail fast on a bad per_page
        return self._iterate(lambda n: self.list_collaborations(n, per_page, order_by, filter))

    async def get_collaboration(self, cid: str) -> Collaboration:
        path = f"/api/v2/collaborations/{_segment(cid, 'collaboration id')}"
        return self._parse(Collaboration, _unwrap(await self._get(path), "collaboration"), path)

    async def create_collaboration(
        self,
        name: str,
        collaborators: list[tuple[str, MemberRights | dict[str, Any]]],
        creator_rights: MemberRights | dict[str, Any],
        description: str | None = None,
    ) -> str:
        """``POST /api/v2/collaborations`` → the new ``CLB.…`` id. Members cannot be added later."""
        if not name or not name.strip():
            raise ValueError("a collaboration needs a name")
        members = []
        for company_id, rights in collaborators:
            if not company_id or not str(company_id).strip():
                raise ValueError("every collaborator needs a company id")
            members.append({"company_id": company_id, "rights": _rights(rights)})
        body: dict[str, Any] = {"name": name, "creator_rights": _rights(creator_rights),
                                "collaborators": members}
        if description:
            body["description"] = description
        path = "/api/v2/collaborations"
        answer = await self._create(path, body)
        cid = answer.get("collaboration_id") if isinstance(answer, dict) else None
        if not cid:
            raise ApiError(message="the create answer carried no collaboration_id; list collaborations "
                                   "to see whether it was created", code="BAD_RESPONSE",
                           platform=PLATFORM, method="POST", path=path)
        return str(cid)

    async def close_collaboration(self, cid: str) -> None:
        """Owner only; irreversible. No body: the CM playbook declares none."""
        await self._write("POST", f"/api/v2/collaborations/{_segment(cid, 'collaboration id')}/close")

    async def leave_collaboration(self, cid: str) -> None:
        """Members only (the owner gets 403 and must close instead). No body, as the playbook declares."""
        await self._write("POST", f"/api/v2/collaborations/{_segment(cid, 'collaboration id')}/leave")

    # ------------------------------------------------------------------ datasets in a collaboration

    def _collab_path(self, cid: str, *rest: str) -> str:
        return "/".join(["/api/v2/collaborations", _segment(cid, "collaboration id"), *rest])

    async def add_dataset(
        self,
        cid: str,
        dataset_id: str,
        collaboration_dataset_name: str,
        *,
        intersection_only: bool = False,
        attribute_restriction: bool = False,
        allowed_attributes: tuple[str, ...] | list[str] = (),
        activation_allowed: bool = False,
        exportable_to_members: tuple[str, ...] | list[str] = (),
        destination_type_restriction: bool = False,
        allowed_destination_types: tuple[str, ...] | list[str] = (),
    ) -> None:
        """``POST …/datasets`` (unified endpoint)."""
        _segment(dataset_id, "dataset id")
        validate_dataset_name(collaboration_dataset_name)
        if allowed_destination_types and not destination_type_restriction:
            raise ValueError("allowed_destination_types may only be set with destination_type_restriction")
        body = {
            "dataset_id": dataset_id,
            "collaboration_dataset_name": collaboration_dataset_name,
            "intersection_only": intersection_only,
            "attribute_restriction": attribute_restriction,
            "allowed_attributes": list(allowed_attributes),
            "activation_allowed": activation_allowed,
            "exportable_to_members": list(exportable_to_members),
            "destination_type_restriction": destination_type_restriction,
            "allowed_destination_types": list(allowed_destination_types),
        }
        await self._write("POST", self._collab_path(cid, "datasets"), body)

    async def remove_dataset(self, cid: str, dataset_id: str) -> None:
        await self._write("DELETE", self._collab_path(cid, "datasets", _segment(dataset_id, "dataset id")))

    async def add_insight_dataset(
        self,
        cid: str,
        dataset_id: str,
        collaboration_dataset_name: str,
        *,
        intersection_only: bool = False,
        attribute_restriction: bool = False,
        allowed_attributes: tuple[str, ...] | list[str] = (),
        activation_allowed: bool = False,
    ) -> None:
        """Legacy ``POST …/insight-datasets`` (§8.3.6b)."""
        _segment(dataset_id, "dataset id")
        validate_dataset_name(collaboration_dataset_name)
        body = {"dataset_id": dataset_id, "collaboration_dataset_name": collaboration_dataset_name,
                "intersection_only": intersection_only, "attribute_restriction": attribute_restriction,
                "allowed_attributes": list(allowed_attributes), "activation_allowed": activation_allowed}
        await self._write("POST", self._collab_path(cid, "insight-datasets"), body)

    async def add_activation_dataset(
        self,
        cid: str,
        dataset_id: str,
        collaboration_dataset_name: str,
        *,
        exportable_to_members: tuple[str, ...] | list[str] = (),
        intersection_only: bool = False,
    ) -> None:
        """Legacy ``POST …/activation-datasets`` (§8.3.6c)."""
        _segment(dataset_id, "dataset id")
        validate_dataset_name(collaboration_dataset_name)
        body = {"dataset_id": dataset_id, "collaboration_dataset_name": collaboration_dataset_name,
                "exportable_to_members": list(exportable_to_members), "intersection_only": intersection_only}
        await self._write("POST", self._collab_path(cid, "activation-datasets"), body)

    async def remove_insight_dataset(self, cid: str, dataset_id: str) -> None:
        await self._write("DELETE", self._collab_path(cid, "insight-datasets",
                                                      _segment(dataset_id, "dataset id")))

    async def remove_activation_dataset(self, cid: str, dataset_id: str) -> None:
        await self._write("DELETE", self._collab_path(cid, "activation-datasets",
                                                      _segment(dataset_id, "dataset id")))

    async def list_collaboration_datasets(self, cid: str, page: int = 1, per_page: int = 100,
                                          order_by: str | None = None, filter: str | None = None,
                                          ) -> Page[CollaborationDataset]:
        return await self._list(self._collab_path(cid, "datasets"), ("datasets",), CollaborationDataset,
                                page, per_page, order_by, filter)

    async def get_collaboration_dataset(self, cid: str, dataset_id: str) -> CollaborationDataset:
        path = self._collab_path(cid, "datasets", _segment(dataset_id, "dataset id"))
        return self._parse(CollaborationDataset, _unwrap(await self._get(path), "dataset"), path)

    # ------------------------------------------------------------------ destinations in a collaboration

    async def add_destination(self, cid: str, destination_id: str) -> None:
        _segment(destination_id, "destination id")
        await self._write("POST", self._collab_path(cid, "destinations"), {"destination_id": destination_id})

    async def remove_destination(self, cid: str, destination_id: str) -> None:
        await self._write("DELETE", self._collab_path(cid, "destinations",
                                                      _segment(destination_id, "destination id")))

    async def list_collaboration_destinations(self, cid: str, page: int = 1, per_page: int = 100,
                                              order_by: str | None = None, filter: str | None = None,
                                              ) -> Page[CollaborationDestination]:
        return await self._list(self._collab_path(cid, "destinations"), ("destinations",),
                                CollaborationDestination, page, per_page, order_by, filter)

    async def get_collaboration_destination(self, cid: str, destination_id: str) -> CollaborationDestination:
        path = self._collab_path(cid, "destinations", _segment(destination_id, "destination id"))
        return self._parse(CollaborationDestination, _unwrap(await self._get(path), "destination"), path)

    # ------------------------------------------------------------------ stats

    async def _stats(self, model: type[M], cid: str, dataset_id: str, kind: str) -> M:
        path = self._collab_path(cid, "datasets", _segment(dataset_id, "dataset id"), "stats", kind)
        return self._parse(model, await self._get(path), path)

    async def summary_stats(self, cid: str, dataset_id: str) -> SummaryStats:
        return await self._stats(SummaryStats, cid, dataset_id, "summary")

    async def key_column_stats(self, cid: str, dataset_id: str) -> KeyColumnStatsResponse:
        """Map and list forms merged in ``.stats``."""
        return await self._stats(KeyColumnStatsResponse, cid, dataset_id, "key_columns")

    async def attribute_stats(self, cid: str, dataset_id: str) -> AttributeStatsResponse:
        """Map and list forms merged in ``.stats``."""
        return await self._stats(AttributeStatsResponse, cid, dataset_id, "attribute_columns")

    async def export_column_stats(self, cid: str, dataset_id: str) -> ExportColumnStatsResponse:
        """Map and list forms merged in ``.stats``."""
        return await self._stats(ExportColumnStatsResponse, cid, dataset_id, "export_columns")

    # ------------------------------------------------------------------ events

    async def list_events(self, cid: str, page: int = 1, per_page: int = MAX_PER_PAGE,
                          order_by: str | None = None, filter: str | None = None,
                          ) -> Page[CollaborationEvent]:
        """Filter fields: ``event_type``, ``company_id``; order by ``event_date_time``."""
        return await self._list(self._collab_path(cid, "events"), ("events",), CollaborationEvent,
                                page, per_page, order_by, filter)

    def iter_events(self, cid: str, order_by: str | None = None, filter: str | None = None,
                    per_page: int = MAX_PER_PAGE) -> AsyncIterator[CollaborationEvent]:
        _page_params(1, per_page, None, None)
        _segment(cid, "collaboration id")
        return self._iterate(lambda n: self.list_events(cid, n, per_page, order_by, filter))

    async def export_events(
        self,
        cid: str,
        dest: Path | str | BinaryIO,
        *,
        order_by: str | None = None,
        filter: str | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> int:
        """Stream the event log CSV (``GET …/events/export``) into ``dest``; return bytes written.

        Bytes are written as they arrive and never decoded. For a path, the data goes to a
        temporary file next to it that is renamed into place only when the whole body arrived, so a
        failed export leaves no half file. ``on_progress`` gets the running byte count.
        A connection lost mid-body is not retried (the GET itself is, before any byte arrives).
        """
        path = self._collab_path(cid, "events", "export")
        params = {"order_by": order_by or None, "filter": filter or None}
        response = await self._core.send("GET", path, params=params, stream=True,
                                         headers={"Accept": "text/csv, application/octet-stream, */*"})
        try:
            if isinstance(dest, str | os.PathLike):
                return await self._stream_to_path(response, Path(dest), on_progress)
            return await self._stream_to(response, dest, on_progress)
        finally:
            await response.aclose()

    async def _stream_to(self, response: httpx.Response, out: BinaryIO,
                         on_progress: Callable[[int], None] | None) -> int:
        written = 0
        try:
            async for chunk in response.aiter_bytes():
                if not chunk:
                    continue
                out.write(chunk)
                written += len(chunk)
                if on_progress is not None:
                    on_progress(written)
        except httpx.HTTPError as exc:
            raise network_error(exc, "GET", response.request.url.path, PLATFORM) from None
        return written

    async def _stream_to_path(self, response: httpx.Response, dest: Path,
                              on_progress: Callable[[int], None] | None) -> int:
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{time.monotonic_ns()}.part")
        try:
            with open(tmp, "wb") as fh:
                written = await self._stream_to(response, fh, on_progress)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return written

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
        from .activations import ActivationCreated

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
        from .activations import Activation

        path = f"/api/v1/activations/{_segment(activation_id, 'activation id')}"
        body = await self._get(path)
        return self._parse(Activation, _unwrap(body, "activation"), path)

    async def push_activation(self, activation_id: str, destination_id: str, push_config: dict[str, Any]) -> Any:
        """``POST /api/v2/activations/queries/{id}/destinations/{did}/push {push_config}``; sent once."""
        from .activations import PushCreated

        path = (f"/api/v2/activations/queries/{_segment(activation_id, 'activation id')}/destinations/"
                f"{_segment(destination_id, 'destination id')}/push")
        return self._parse(PushCreated, await self._create(path, {"push_config": push_config}), path)

    # ------------------------------------------------------------------ company-wide lists

    async def list_destination_instances(self, page: int = 1, per_page: int = 100,
                                         order_by: str | None = None, filter: str | None = None,
                                         permissionable_to: str | None = None) -> Page[DestinationInstance]:
        """``GET /api/v2/destinations/instances`` (caller-owned destinations)."""
        # the list key is undocumented: accept the likely spellings
        return await self._list("/api/v2/destinations/instances",
                                ("destinations", "destination_instances", "instances"),
                                DestinationInstance, page, per_page, order_by, filter,
                                permissionable_to=permissionable_to)

    async def list_datasets(self, page: int = 1, per_page: int = 100, order_by: str | None = None,
                            filter: str | None = None) -> Page[Dataset]:
        """``GET /api/v2/datasets``: v2 datasets visible to the company."""
        return await self._list("/api/v2/datasets", ("datasets",), Dataset, page, per_page, order_by, filter)
