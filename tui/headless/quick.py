"""Quick reads: LiveRamp GETs on the happy path, with the standard library only.

A cron job's ``runs --json`` is dominated by start-up: httpx (with httpcore and anyio), asyncio
and the pydantic models cost ~300 ms before the first byte goes out — twice the vendor SDK's whole
call. Even ``http.client`` costs ~10 ms to import (it pulls in ``email`` and ``ssl``). So for plain
GETs this module speaks HTTP/1.1 over a socket itself, with the same URL, query and bearer token
as :class:`~tui.api.liveramp.LiveRampClient` (the facts come from :mod:`tui.api.liveramp.paths`),
and only on the happy path:

- a usable token in the profile's token cache (the file the client's ``TokenManager`` keeps; read,
  never written — no token is ever requested here);
- no proxy in the environment for the API's host (httpx honours one; this module does not);
- not switched off: ``CLEANROOM_TUI_QUICK=0`` sends every read through the full client (to compare
  the two paths, or to rule this one out when something looks wrong);
- a well-framed HTTP/1.x answer (``Content-Length`` or chunked, no content coding) whose JSON body
  uses the canonical field names (:data:`~tui.api.liveramp.paths.FIELDS`: a spelling the models
  would have to translate sends the read to the client).

Anything else — no usable token, a network error, a malformed answer, a body that does not parse
— answers ``None`` and the caller goes through the full client, which owns token refresh, retries
with backoff, error envelopes, offline detection and the cache fallback. Error statuses are
returned as they are (with the platform's message) so that a fan-out can skip a room it may not
read, as the full path does; the caller still hands every other error to the full client.

One keep-alive connection per thread (``TCP_NODELAY``: a request is one small write, and Nagle's
algorithm would hold the next one back until the previous answer's ACK).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from ..api.liveramp import paths

TIMEOUT_S = 20.0
USER_AGENT = "cleanroom-tui/0.1 (quick read)"
#: longest status or header line, most header lines, largest body we accept (else: the full client)
MAX_LINE = 65536
MAX_HEADERS = 100
MAX_BODY = 64 * 1024 * 1024
#: the switch: set to ``0`` (or ``off``/``no``/``false``) and every read goes through the full client
SWITCH_ENV = "CLEANROOM_TUI_QUICK"


def switched_off(environ: dict[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(SWITCH_ENV, "")
    return value.strip().lower() in ("0", "off", "no", "false")


class Malformed(Exception):
    """The answer was not the plain HTTP/1.x this module speaks: leave the read to the full client."""


class Closed(Malformed):
    """The server closed the connection before answering (an idle keep-alive it had dropped)."""


def token_file(profile: Any) -> Path:
    """The profile's token cache — the file the client's ``TokenManager`` keeps."""
    from ..config import state_dir

    return state_dir() / "tokens" / paths.token_cache_name(profile.name, profile.base_url, profile.client_id or "")


def cached_token(profile: Any, now: datetime) -> str | None:
    """The cached access token if it is good for at least ``REFRESH_MARGIN_S`` more seconds."""
    try:
        data = json.loads(token_file(profile).read_bytes())
        token, expires = data.get(paths.TOKEN_KEY), data.get(paths.EXPIRES_KEY)
        if not isinstance(token, str) or not token or not isinstance(expires, str):
            return None
        when = datetime.fromisoformat(expires.replace("Z", "+00:00"))
    except (OSError, ValueError, AttributeError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return token if now + timedelta(seconds=paths.REFRESH_MARGIN_S) < when else None


def proxied(scheme: str, host: str, environ: dict[str, str] | None = None) -> bool:
    """Would httpx send this request through a proxy from the environment? (then so must we: defer)"""
    env = {k.lower(): v for k, v in (os.environ if environ is None else environ).items()
           if k.lower() in (f"{scheme}_proxy", "all_proxy", "no_proxy")}
    if not (env.get(f"{scheme}_proxy") or env.get("all_proxy")):
        return False
    host = host.lower()
    for entry in (e.strip().lower() for e in env.get("no_proxy", "").split(",")):
        entry = entry.split("://", 1)[-1]
        name, _, port = entry.rpartition(":")
        entry = (name if port.isdigit() and name else entry).strip("[]").lstrip("*").lstrip(".")
        if entry == "" and "*" not in name + port:
            continue
        if entry == "" or host == entry or host.endswith("." + entry):
            return False  # "*" (entry "") or a matching host or domain: no proxy
    return True


def fits(kind: str, body: Any) -> bool:
    """Does ``body`` use only the canonical spellings of ``kind`` (so it can be used as it is)?"""
    canonical, accepted = paths.FIELDS[kind]
    lowered = {name.lower() for name in canonical}
    items = body if isinstance(body, list) else [body]
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            return False
        for key in item:
            if key not in canonical and (key in accepted or key.lower() in lowered):
                return False
    return True


class Answer:
    """An HTTP answer: status, parsed JSON body, the platform's message on an error, request id."""

    __slots__ = ("body", "message", "request_id", "status")

    def __init__(self, status: int, body: Any, message: str = "", request_id: str | None = None) -> None:
        self.status = status
        self.body = body
        self.message = message
        self.request_id = request_id

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


# --------------------------------------------------------------------------- HTTP/1.1, the GET subset

def _line(stream: Any) -> bytes:
    line = stream.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise Malformed("line too long")
    return line


def read_response(stream: Any) -> tuple[int, dict[str, str], bytes, bool]:
    """Status, headers (lower-case names), body and whether the connection may be reused."""
    while True:
        line = _line(stream)
        if not line:
            raise Closed("connection closed before the status line")
        version, _, rest = line.decode("latin-1").rstrip("\r\n").partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
            raise Malformed(f"not an HTTP/1.x status line: {line[:40]!r}")
        status = int(code)
        headers: dict[str, str] = {}
        for _ in range(MAX_HEADERS + 1):
            raw = _line(stream)
            if raw in (b"\r\n", b"\n", b""):
                break
            name, sep, value = raw.decode("latin-1").partition(":")
            if not sep or not name.strip():
                raise Malformed("bad header line")
            name = name.strip().lower()
            headers[name] = f"{headers[name]}, {value.strip()}" if name in headers else value.strip()
        else:
            raise Malformed("too many header lines")
        if not 100 <= status < 200:
            break  # an interim 1xx answer is followed by the real one
    if headers.get("content-encoding", "identity").lower() != "identity":
        raise Malformed("content coding")
    keep = version == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _chunked(stream)
    elif "content-length" in headers:
        try:
            length = int(headers["content-length"])
        except ValueError:
            raise Malformed("bad Content-Length") from None
        if not 0 <= length <= MAX_BODY:
            raise Malformed("body too large")
        body = stream.read(length)
        if len(body) != length:
            raise Malformed("body cut short")
    elif status in (204, 304):
        body = b""
    else:
        body, keep = stream.read(MAX_BODY + 1), False  # delimited by the connection's end
        if len(body) > MAX_BODY:
            raise Malformed("body too large")
    return status, headers, body, keep


def _chunked(stream: Any) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        try:
            size = int(_line(stream).split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise Malformed("bad chunk size") from None
        if size == 0:
            while _line(stream) not in (b"\r\n", b"\n", b""):  # trailers
                pass
            return b"".join(parts)
        total += size
        if total > MAX_BODY:
            raise Malformed("body too large")
        data = stream.read(size)
        if len(data) != size or _line(stream) not in (b"\r\n", b"\n"):
            raise Malformed("chunk cut short")
        parts.append(data)


class _Connection:
    """One socket and its buffered reader."""

    def __init__(self, sock: Any) -> None:
        self.sock = sock
        self.stream = sock.makefile("rb")

    def close(self) -> None:
        for closer in (self.stream.close, self.sock.close):
            with contextlib.suppress(OSError):
                closer()


class QuickLiveRamp:
    """Plain GETs for one LiveRamp profile over keep-alive connections (one per thread)."""

    def __init__(self, profile: Any, token: str) -> None:
        self.profile = profile
        self._token = token
        root = urlsplit(paths.api_root(profile.base_url))
        self._https = root.scheme == "https"
        self._host = root.hostname or ""
        self._port = root.port or (443 if self._https else 80)
        self._prefix = root.path.rstrip("/")
        default_port = root.port is None or root.port == (443 if self._https else 80)
        host = f"[{self._host}]" if ":" in self._host else self._host
        self._authority = host if default_port else f"{host}:{self._port}"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[_Connection] = []

    @classmethod
    def open(cls, profile: Any, now: datetime) -> QuickLiveRamp | None:
        """A quick reader for ``profile``, or None when only the full client can serve it."""
        if profile.platform != "liveramp" or profile.embedded or not profile.client_id or switched_off():
            return None
        parts = urlsplit(profile.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or proxied(parts.scheme, parts.hostname):
            return None
        token = cached_token(profile, now)
        return cls(profile, token) if token else None

    def target(self, path: str) -> str:
        """The request path as sent (``/v1/cleanrooms``), for messages."""
        return f"{self._prefix}{path}"

    def _connect(self) -> _Connection:
        # an ASCII host goes to getaddrinfo as bytes: a str would be IDNA-encoded (one more import)
        host: str | bytes = self._host.encode("ascii") if self._host.isascii() else self._host
        sock = socket.create_connection((host, self._port), timeout=TIMEOUT_S)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._https:
                import ssl

                context = ssl.create_default_context(cafile=self.profile.ca_bundle or None)
                sock = context.wrap_socket(sock, server_hostname=self._host)
        except BaseException:
            sock.close()
            raise
        conn = _Connection(sock)
        with self._lock:
            self._open.append(conn)
        return conn

    def _drop(self, conn: _Connection) -> None:
        conn.close()
        self._local.conn = None
        with self._lock:
            if conn in self._open:
                self._open.remove(conn)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Answer | None:
        """``GET /v1{path}``: the answer, or None when there was none to speak of (network, bad HTTP or JSON)."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        target = self.target(path) + (f"?{urlencode(query)}" if query else "")
        request = (f"GET {target} HTTP/1.1\r\nHost: {self._authority}\r\n"
                   f"Authorization: Bearer {self._token}\r\nAccept: application/json\r\n"
                   f"Accept-Encoding: identity\r\nUser-Agent: {USER_AGENT}\r\n\r\n").encode("latin-1")
        for _ in range(2):
            conn = getattr(self._local, "conn", None)
            reused = conn is not None
            try:
                if conn is None:
                    conn = self._local.conn = self._connect()
                conn.sock.sendall(request)
                status, headers, raw, keep = read_response(conn.stream)
            except Closed:
                if conn is not None:
                    self._drop(conn)
                if reused:
                    continue  # the server had closed an idle connection: once more on a new one (a GET)
                return None
            except (OSError, Malformed, UnicodeError):
                if conn is not None:
                    self._drop(conn)
                return None
            if not keep:
                self._drop(conn)
            break
        else:
            return None
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return None
        message = ""
        if isinstance(body, dict) and not 200 <= status < 300:
            message = str(body.get("message") or body.get("error") or "")[:300]
        request_id = headers.get("x-request-id", "").split(",")[0].strip() or None
        return Answer(status, body, message, request_id)

    def close(self) -> None:
        with self._lock:
            for conn in self._open:
                conn.close()
            self._open.clear()


__all__ = ["SWITCH_ENV", "Answer", "Malformed", "QuickLiveRamp", "cached_token", "fits", "proxied", "read_response", "switched_off", "token_file"]
