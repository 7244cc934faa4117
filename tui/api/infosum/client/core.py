"""The client core: constants, argument checks, and ``ClientCore`` (the key, sending, parsing, pages).

Split out of ``InfoSumClient`` (see the package docstring for the policy it keeps).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import fields
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from ....config import ConfigError, Profile
from ...http import REDACT, ApiError, HttpCore, RetryPolicy, Sleep, decode_json
from ...items import parse_items
from ..models import (
    MemberRights,
    Page,
    Pagination,
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


class ClientCore:
    """What every resource group uses: the key, sending, parsing answers, pages (InfoSumClient's base)."""

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

    async def __aenter__(self) -> Self:
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
