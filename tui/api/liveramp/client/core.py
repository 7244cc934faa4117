"""The client core: constants, request helpers, and ``ClientCore`` (auth, sending, parsing, paging).

Split out of ``LiveRampClient`` (see the package docstring for the policy it keeps).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from ....config import Profile, state_dir
from ...http import ApiError, HttpCore, RetryPolicy, Sleep, decode_json
from ...items import parse_items
from .. import paths
from ..auth import Now, TokenManager
from ..models import (
    Health,
)

log = logging.getLogger("tui.api.liveramp")

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

PLATFORM = "liveramp"
#: origin used for the in-process demo (``embedded:`` profiles): the transport ignores the host
EMBEDDED_ORIGIN = paths.EMBEDDED_ORIGIN
#: SPEC: the run list takes at most 100 per page; destinations lists 1..100
MAX_RUNS_PAGE = paths.MAX_RUNS_PAGE
MAX_DESTINATIONS_PAGE = 100
#: keys under which a list may arrive wrapped instead of as a bare array
_LIST_KEYS = ("content", "items", "data", "results", "response")

OnCall = Callable[[str, str, "int | None"], None]
#: which id a flow path takes: the flow list item's ``ID`` (the SPEC calls the parameter "Cleanroom Flow
#: ID") or its ``flowID`` (what the vendor SDK and the "Example Flow Run Workflow" page put there)
FLOW_ID, FLOW_FLOW_ID = "ID", "flowID"
Day = date | datetime | str


def api_root(profile: Profile) -> str:
    """``{base_url}/v1`` (a base URL that already ends in ``/v1`` is accepted too)."""
    return paths.api_root(EMBEDDED_ORIGIN if profile.embedded else profile.base_url)


def default_token_cache_dir(profile: Profile) -> Path | None:
    """Where a profile's token lives: the state dir, or memory for the in-process demo."""
    return None if profile.embedded else state_dir() / "tokens"


def level_id(level: int | str | None) -> str | None:
    """Flow levels as the API wants them: ``3`` / ``"3"`` / ``"level-3"`` → ``"Level-3"`` (as the SDK does)."""
    if level is None or level == "":
        return None
    if isinstance(level, int):
        return f"Level-{level}"
    text = str(level).strip()
    if text.isdigit():
        return f"Level-{int(text)}"
    match = re.fullmatch(r"(?i)level[-_ ]?(\d+)", text)
    return f"Level-{int(match.group(1))}" if match else text


_seg = paths.seg


def _day(value: Day | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _wire_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _str_dict(values: dict[str, Any] | None) -> dict[str, str]:
    return {str(k): _wire_str(v) for k, v in (values or {}).items()}


def _items(data: Any) -> list[Any]:
    """A list answer: a bare array (the norm), a wrapped one, or a single object (SPEC quirks)."""
    if data is None:
        return []
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in _LIST_KEYS:
            if isinstance(data.get(key), list):
                return data[key]
        return [data] if data else []
    return []


class FlowIdMemory(Protocol):
    """Where a profile remembers which flow-id convention its platform accepted (the store)."""

    def get(self) -> str | None: ...

    def set(self, convention: str) -> None: ...


class ClientCore:
    """What every resource group uses: auth, sending, parsing answers, paging (LiveRampClient's base)."""

    def __init__(
        self,
        profile: Profile,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep | None = None,
        retry: RetryPolicy | None = None,
        token_cache_dir: Path | None = None,
        now: Now | None = None,
        on_call: OnCall | None = None,
        flow_ids: FlowIdMemory | None = None,
    ) -> None:
        self.profile = profile
        self._flow_memory = flow_ids
        #: the convention this platform accepts, once known (FLOW_ID or FLOW_FLOW_ID)
        self.flow_convention: str | None = flow_ids.get() if flow_ids is not None else None
        #: either id of a flow seen in an answer -> (ID, flowID)
        self._flow_aliases: dict[str, tuple[str, str]] = {}
        self.base_url = api_root(profile)
        #: requests sent, keyed ``"METHOD /v1/path"`` (retries and token requests included)
        self.calls: Counter[str] = Counter()
        self._on_call = on_call
        self._core = HttpCore(
            self.base_url, platform=PLATFORM, transport=transport, sleep=sleep, retry=retry,
            verify=profile.ca_bundle or True, on_call=self._note, now=now,
        )
        self._tokens = TokenManager(
            self._core,
            profile_name=profile.name,
            base_url=profile.base_url,
            client_id=profile.client_id or "",
            secret=profile.secret,
            budget=profile.budget,
            cache_dir=token_cache_dir if token_cache_dir is not None else default_token_cache_dir(profile),
            now=now,
        )

    def __repr__(self) -> str:
        return f"LiveRampClient(profile={self.profile.name!r}, base_url={self.base_url!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._core.aclose()

    @property
    def tokens(self) -> TokenManager:
        return self._tokens

    @property
    def token_requests(self) -> int:
        """Token POSTs this client made (0 when a cached token was reused)."""
        return self._tokens.token_requests

    @property
    def server_clock_offset(self) -> timedelta | None:
        """The platform's clock minus ours (``Date`` of the latest answer, token requests included)."""
        return self._core.server_clock_offset

    def _note(self, method: str, path: str, status: int | None) -> None:
        self.calls[f"{method} {path}"] += 1
        if self._on_call is not None:
            self._on_call(method, path, status)

    # ------------------------------------------------------------------ plumbing

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        accept: str | None = None,
        write: bool | None = None,
    ) -> httpx.Response:
        is_write = method.upper() != "GET" if write is None else write
        if is_write and self.profile.read_only:
            raise ApiError(message=f"profile {self.profile.name!r} is read-only: {method} not sent",
                           code="READ_ONLY", platform=PLATFORM, method=method, path=path)
        token, fresh = await self._tokens.token()
        try:
            return await self._core.send(method, path, headers=self._headers(token, accept),
                                         params=params, json_body=json_body)
        except ApiError as exc:
            # a token we just received being refused will not be cured by spending another
            if exc.status != 401 or fresh:
                raise
        log.debug("401 on %s %s with a cached token: one refresh, one retry", method, path)
        token = await self._tokens.refresh(token)
        return await self._core.send(method, path, headers=self._headers(token, accept),
                                     params=params, json_body=json_body)

    @staticmethod
    def _headers(token: str, accept: str | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {token}"}
        if accept:
            headers["Accept"] = accept
        return headers

    async def _json(self, method: str, path: str, **kw: Any) -> Any:
        response = await self._send(method, path, **kw)
        return decode_json(response, PLATFORM)

    def _shape_error(self, path: str, exc: ValidationError) -> ApiError:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return ApiError(message=f"unexpected response shape ({where or 'body'}: {first.get('msg', 'invalid')})",
                        code="BAD_RESPONSE", platform=PLATFORM, path=path)

    def _one(self, model: type[M], data: Any, path: str) -> M:
        try:
            return model.model_validate(data if data is not None else {})
        except ValidationError as exc:
            raise self._shape_error(path, exc) from None

    def _many(self, model: type[M], data: Any, path: str) -> list[M]:
        """Each item on its own: the unreadable ones are left out and listed on ``.problems``."""
        return parse_items(model, _items(data), path=path, platform=PLATFORM, skip_non_objects=True)

    async def _get_one(self, model: type[M], path: str, params: dict[str, Any] | None = None) -> M:
        return self._one(model, await self._json("GET", path, params=params), path)

    async def _get_many(self, model: type[M], path: str, params: dict[str, Any] | None = None) -> list[M]:
        return self._many(model, await self._json("GET", path, params=params), path)

    async def _bytes(self, path: str) -> bytes:
        response = await self._send("GET", path, accept="*/*")
        # SPEC declares the file as a JSON "string": unwrap that, pass any other body through
        if "json" in response.headers.get("content-type", ""):
            try:
                decoded = response.json()
            except ValueError:
                return response.content
            if isinstance(decoded, str):
                return decoded.encode()
        return response.content

    @staticmethod
    async def _paged(fetch: Callable[[int, int], Awaitable[Sequence[T]]], page_size: int) -> AsyncIterator[T]:
        """Offset pagination until a short page; stops too if the server ignores ``offset``."""
        seen: set[str] = set()
        offset = 0
        while True:
            page = await fetch(page_size, offset)
            keys = [str(getattr(item, "id", "") or "") for item in page]
            fresh = [(key, item) for key, item in zip(keys, page, strict=True) if not key or key not in seen]
            for key, item in fresh:
                if key:
                    seen.add(key)
                yield item
            # an unreadable item (left out, on .problems) still counts towards a full page
            if len(page) + len(getattr(page, "problems", ())) < page_size or not fresh:
                return
            offset += len(page)

    # ------------------------------------------------------------------ health

    async def health(self) -> Health:
        """``GET /health`` — the one call without a token."""
        response = await self._core.send("GET", "/health")
        return self._one(Health, decode_json(response, PLATFORM), "/health")


def _node_input(node: dict[str, Any]) -> dict[str, Any]:
    out = dict(node)
    out["parameters"] = _str_dict(node.get("parameters"))
    return out


def _id_of(data: Any, *keys: str) -> str:
    if isinstance(data, dict):
        for key in (*keys, "id", "ID", "Id"):
            value = data.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
                return str(value)
        inner = data.get("response")
        if isinstance(inner, dict):
            return _id_of(inner, *keys)
    if isinstance(data, str):
        return data
    return ""
