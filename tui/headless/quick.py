"""Quick reads: LiveRamp GETs on the happy path, with the standard library only.

A cron job's ``runs --json`` is dominated by start-up: httpx (with httpcore and anyio), asyncio
and the pydantic models cost ~300 ms before the first byte goes out — twice the vendor SDK's whole
call. So for plain GETs this module talks HTTP itself (``http.client``, ``json``), with the same
URL, query and bearer token as :class:`~tui.api.liveramp.LiveRampClient`, and only on the happy path:

- a usable token in the profile's token cache (the file the client's ``TokenManager`` keeps; read,
  never written — no token is ever requested here);
- an HTTP answer with a JSON body in the shape the canonical field names describe
  (:data:`SHAPES`: a spelling the models would have to translate sends the read to the client).

Anything else — no usable token, a network error, a body that does not parse — answers
``None`` and the caller goes through the full client, which owns token refresh, retries with
backoff, error envelopes, offline detection and the cache fallback. Error statuses are returned
as they are (with the platform's message) so that a fan-out can skip a room it may not read, as
the full path does; the caller still hands every other error to the full client.

Kept in step with ``tui/api/liveramp`` by ``tests/e2e/test_headless.py`` (token file name, API
root, shapes against the models).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

#: as ``tui.api.liveramp.auth.REFRESH_MARGIN_S``: a token this close to expiry is not used
REFRESH_MARGIN_S = 60.0
TIMEOUT_S = 20.0
USER_AGENT = "cleanroom-tui/0.1 (quick read)"

#: canonical field names per cache kind (the models' ``by_alias`` dump) and other accepted spellings;
#: a body using another spelling (``ID``, ``displayID``, ``title``…) is left to the models
SHAPES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "runs": (frozenset({"completedAt", "executedAt", "failureReason", "id", "isRetryable", "name", "parameters",
                        "partitionParameters", "questionVersion", "runMessage", "runMetadata", "status",
                        "submittedAt"}), frozenset()),
    "cleanrooms": (frozenset({"cleanRoomParameters", "cleanRoomTypeId", "description", "displayId", "endAt", "id",
                              "name", "ownerOrganization", "partners", "questionsCount", "startAt", "status",
                              "timeAudit"}), frozenset()),
    "questions": (frozenset({"category", "cleanroomId", "createdOn", "customerQueryTemplate", "dataTypes",
                             "dimension", "displayId", "id", "metrics", "name", "ownerOrganizationId", "parameters",
                             "questionId", "questionType", "status"}), frozenset({"title"})),
}
SHAPES["run"] = SHAPES["runs"]


def api_root(base_url: str) -> str:
    """``{base_url}/v1`` — as ``tui.api.liveramp.client.api_root``."""
    base = base_url.rstrip("/")
    if base.endswith("/v1"):
        base = base[: -len("/v1")]
    return f"{base}/v1"


def token_file(profile: Any) -> Path:
    """The profile's token cache — as ``TokenManager.cache_path`` (``auth.cache_file_name``)."""
    from ..config import state_dir

    digest = hashlib.sha256(f"{profile.base_url}{profile.client_id or ''}".encode()).hexdigest()[:12]
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", profile.name) or "profile"
    return state_dir() / "tokens" / f"{safe}-{digest}.json"


def cached_token(profile: Any, now: datetime) -> str | None:
    """The cached access token if it is good for at least :data:`REFRESH_MARGIN_S` more seconds."""
    try:
        data = json.loads(token_file(profile).read_bytes())
        token, expires = data.get("accessToken"), data.get("expiresAt")
        if not isinstance(token, str) or not token or not isinstance(expires, str):
            return None
        when = datetime.fromisoformat(expires.replace("Z", "+00:00"))
    except (OSError, ValueError, AttributeError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return token if now + timedelta(seconds=REFRESH_MARGIN_S) < when else None


def fits(kind: str, body: Any) -> bool:
    """Does ``body`` use only the canonical spellings of ``kind`` (so it can be used as it is)?"""
    canonical, accepted = SHAPES[kind]
    lowered = {name.lower() for name in canonical}
    items = body if isinstance(body, list) else [body]
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            return False
        for key in item:
            if key not in canonical and (key in accepted or key.lower() in lowered):
                return False
    return True


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    message: str = ""
    request_id: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class QuickLiveRamp:
    """Plain GETs for one LiveRamp profile over keep-alive connections (one per thread)."""

    def __init__(self, profile: Any, token: str) -> None:
        self.profile = profile
        self._token = token
        root = urlsplit(api_root(profile.base_url))
        self._https = root.scheme == "https"
        self._host = root.hostname or ""
        self._port = root.port
        self._prefix = root.path.rstrip("/")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[Any] = []

    @classmethod
    def open(cls, profile: Any, now: datetime) -> QuickLiveRamp | None:
        """A quick reader for ``profile``, or None when only the full client can serve it."""
        if profile.platform != "liveramp" or profile.embedded or not profile.client_id:
            return None
        if urlsplit(profile.base_url).scheme not in ("http", "https"):
            return None
        token = cached_token(profile, now)
        return cls(profile, token) if token else None

    def target(self, path: str) -> str:
        """The request path as sent (``/v1/cleanrooms``), for messages."""
        return f"{self._prefix}{path}"

    def _connection(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            import http.client

            if self._https:
                import ssl

                context = ssl.create_default_context(cafile=self.profile.ca_bundle or None)
                conn = http.client.HTTPSConnection(self._host, self._port, timeout=TIMEOUT_S, context=context)
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=TIMEOUT_S)
            self._local.conn = conn
            with self._lock:
                self._open.append(conn)
        return conn

    def get(self, path: str, params: dict[str, Any] | None = None) -> Answer | None:
        """``GET /v1{path}``: the answer, or None when there was none to speak of (network, bad JSON)."""
        import http.client

        query = {k: v for k, v in (params or {}).items() if v is not None}
        target = self.target(path) + (f"?{urlencode(query)}" if query else "")
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json", "User-Agent": USER_AGENT}
        conn = self._connection()
        try:
            conn.request("GET", target, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self._local.conn = None
            return None
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return None
        message = ""
        if isinstance(body, dict) and not 200 <= response.status < 300:
            message = str(body.get("message") or body.get("error") or "")[:300]
        request_id = (response.getheader("x-request-id") or "").split(",")[0].strip() or None
        return Answer(response.status, body, message, request_id)

    def close(self) -> None:
        with self._lock:
            for conn in self._open:
                conn.close()
            self._open.clear()


__all__ = ["SHAPES", "Answer", "QuickLiveRamp", "api_root", "cached_token", "fits", "token_file"]
