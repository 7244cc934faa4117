"""A head start for the demo's first screen: a forked process reads the home lists while Textual starts.

A cold demo start (no cached home screen yet) has to build the emulated world and read the clean
rooms and collaborations before the first row can show. Done in the app's own process, that work —
the pydantic models, httpx, Starlette and the world (~0.7 s of CPU) — runs after Textual's start-up
and cannot overlap it: it is CPU-bound and Python has one GIL. On a machine with a second core a
process forked *before* Textual is imported does the part the first screen needs (the world and three
GETs, ~0.25 s, no models, no httpx) at the same time, and the home screen paints its answer when it
arrives. Nothing else changes: the app builds its own world and loads the same lists through its
client afterwards, as on every start, and those rows replace these (with their models).

The child talks to the emulator's ASGI app directly (no HTTP library), with the demo profiles'
credentials, exactly as the clients would: a token for LiveRamp, the API key for InfoSum. It never
touches the store, the terminal or the parent's state, exits within :data:`CHILD_DEADLINE_S`, and
on any failure sends nothing — the screen then waits for the normal load, as before.

POSIX only (``os.fork``); elsewhere, or with ``CLEANROOM_TUI_PREFETCH=0``, nothing is forked.
No Textual, no pydantic, no httpx here.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Profile
    from ..emulator.options import EmulatorOptions

#: the switch: ``0`` (or off/no/false) never forks (the app then loads its first screen as before)
SWITCH_ENV = "CLEANROOM_TUI_PREFETCH"
#: the child gives up (and is killed by its alarm) after this long: it must never outlive its use
CHILD_DEADLINE_S = 20
#: the home screen's view snapshot (kind, key) in the store: what a warm start paints first
HOME_SNAPSHOT = ("ui:home", "rows")
#: InfoSum's largest page (``tui.api.infosum.client.MAX_PER_PAGE``): the demo's collaborations fit one
PER_PAGE = 500


def switched_off(environ: dict[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(SWITCH_ENV, "")
    return value.strip().lower() in ("0", "off", "no", "false")


class Prefetch:
    """The parent's end: the child's pid and the pipe its one JSON answer comes down."""

    def __init__(self, pid: int | None, fd: int) -> None:
        #: the child to reap (None: the answer comes from elsewhere, e.g. a test's pipe)
        self.pid = pid
        self._fd: int | None = fd
        self._buffer = bytearray()
        #: per profile name: ``{"rooms": [...], "types": [...]}`` or ``{"collaborations": [...]}``
        self.answers: dict[str, dict[str, list[Any]]] | None = None

    @property
    def done(self) -> bool:
        """The child has answered, failed or been given up on: nothing more will come."""
        return self._fd is None

    def fileno(self) -> int:
        assert self._fd is not None
        return self._fd

    def read(self, block: bool = False) -> bool:
        """Take what the pipe holds; True once the answer is complete (or the child gave none)."""
        if self._fd is None:
            return True
        os.set_blocking(self._fd, block)
        while True:
            try:
                chunk = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return False
            except OSError:
                chunk = b""
            if not chunk:
                break
            self._buffer.extend(chunk)
        try:
            answers = json.loads(self._buffer.decode("utf-8"))
            self.answers = answers if isinstance(answers, dict) else None
        except ValueError:
            self.answers = None  # the child failed: the screen waits for the normal load
        self.close()
        return True

    def close(self) -> None:
        """Stop listening; the child (done or not) is reaped, never left behind."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        os.close(fd)
        self._buffer.clear()
        if self.pid is None:
            return
        with contextlib.suppress(ChildProcessError, ProcessLookupError):
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid == 0:  # still working (given up on): it would only write into a closed pipe
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)


def needed(store: Any, profiles: list[Profile], options: EmulatorOptions) -> bool:
    """A cold start: some embedded profile has no home screen kept from an earlier start (the
    home screen's view snapshot, which a warm start paints before anything else)."""
    from .namespace import cache_namespace

    for profile in profiles:
        if not profile.embedded:
            continue
        try:
            if store.get(cache_namespace(profile, options), *HOME_SNAPSHOT) is None:
                return True
        except Exception:  # an unreadable store: the home screen will find nothing either
            return True
    return False


def start(profiles: list[Profile], options: EmulatorOptions) -> Prefetch | None:
    """Fork the child that reads the home lists of the embedded ``profiles``; None when it cannot help.

    Call it before Textual is imported (the child should not inherit it) and before any thread runs.
    """
    embedded = [p for p in profiles if p.embedded]
    if not embedded or not hasattr(os, "fork") or switched_off() or _cores() < 2:
        return None
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        _child(embedded, options, write_fd)
    os.close(write_fd)
    return Prefetch(pid, read_fd)


def _cores() -> int:
    """Cores this process may run on (a container's or ``taskset``'s limit, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _child(profiles: list[Profile], options: EmulatorOptions, fd: int) -> None:
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the app's to answer
        signal.alarm(CHILD_DEADLINE_S)
        devnull = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):  # the terminal is the app's: nothing of ours may reach it
            os.dup2(devnull, std)
        import asyncio

        answers = asyncio.run(read_home(profiles, options))
        data = json.dumps(answers).encode("utf-8")
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        code = 0
    except BaseException:  # noqa: BLE001 - the child says nothing; the app loads as before
        pass
    finally:
        os._exit(code)


async def read_home(profiles: list[Profile], options: EmulatorOptions) -> dict[str, dict[str, list[Any]]]:
    """Per profile, the answers the home screen's lists are painted from, read from a world of
    ``options`` (the child's whole job; tests call it in-process)."""
    from ..emulator.app import create_app

    app = create_app(options)
    answers: dict[str, dict[str, list[Any]]] = {}
    for profile in profiles:
        if profile.platform == "liveramp":
            answers[profile.name] = await _liveramp(app, profile)
        elif profile.platform == "infosum":
            answers[profile.name] = await _infosum(app, profile)
    return answers


async def _liveramp(app: Any, profile: Profile) -> dict[str, list[Any]]:
    from ..api.liveramp import paths

    basic = base64.b64encode(f"{profile.client_id}:{profile.secret()}".encode()).decode()
    token = await _call(app, "POST", "/v1/oauth/token", {"authorization": f"Basic {basic}"},
                        body=urlencode({"grant_type": "client_credentials"}).encode(),
                        content_type="application/x-www-form-urlencoded")
    bearer = {"authorization": f"Bearer {token['accessToken']}"}
    rooms = await _call(app, "GET", "/v1" + paths.CLEANROOMS, bearer, {"limit": paths.LIST_PAGE, "offset": 0})
    types = await _call(app, "GET", "/v1/cleanrooms/cleanroom-types", bearer)
    return {"rooms": rooms, "types": types}


async def _infosum(app: Any, profile: Profile) -> dict[str, list[Any]]:
    body = await _call(app, "GET", "/api/v2/collaborations", {"authorization": profile.secret()},
                       {"pagination.page": 1, "pagination.per_page": PER_PAGE})
    pagination = body.get("pagination") or {}
    if int(pagination.get("next_page") or 0) > 1:
        raise ValueError("more than one page: left to the app's own load")
    return {"collaborations": body.get("collaborations") or []}


async def _call(app: Any, method: str, path: str, headers: dict[str, str], query: dict[str, Any] | None = None,
                body: bytes = b"", content_type: str | None = None) -> Any:
    """One request straight into the ASGI app; the JSON answer of a 2xx, else an error."""
    raw_headers = [(k.encode(), v.encode()) for k, v in headers.items()]
    raw_headers.append((b"host", b"emulator"))
    if content_type:
        raw_headers.append((b"content-type", content_type.encode()))
    if body:
        raw_headers.append((b"content-length", str(len(body)).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": urlencode(query or {}).encode(), "headers": raw_headers,
             "client": ("127.0.0.1", 0), "server": ("emulator", 80)}
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status = 0
    chunks: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    if not 200 <= status < 300:
        raise RuntimeError(f"{method} {path}: {status}")
    return json.loads(b"".join(chunks))


# ----------------------------------------------------------------------------- the parent: answers as rows' inputs

def records(answer: dict[str, list[Any]] | None) -> dict[str, list[Any]]:
    """One profile's answers as light records with the attributes the home screen reads off the
    models (``room.display_id``, ``room.time_audit.updated_at``, ``c.owner.display_name`` …), read
    as leniently as the models read them. Timestamps stay text (the screen parses them)."""
    if not isinstance(answer, dict):
        return {}
    out: dict[str, list[Any]] = {}
    if isinstance(answer.get("rooms"), list):
        out["rooms"] = [_room(r) for r in answer["rooms"] if isinstance(r, dict)]
    if isinstance(answer.get("types"), list):
        out["types"] = [SimpleNamespace(id=_pick(t, "id", "ID"), name=_text(t.get("name")),
                                        display_name=_text(t.get("displayName")))
                        for t in answer["types"] if isinstance(t, dict)]
    if isinstance(answer.get("collaborations"), list):
        out["collaborations"] = [_collaboration(c) for c in answer["collaborations"] if isinstance(c, dict)]
    return out


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _pick(item: dict[str, Any], *names: str) -> str:
    return next((_text(item[n]) for n in names if item.get(n) not in (None, "")), "")


def _room(item: dict[str, Any]) -> SimpleNamespace:
    partners = item.get("partners")
    audit = item.get("timeAudit")
    questions = item.get("questionsCount")
    return SimpleNamespace(
        id=_pick(item, "id", "ID"), display_id=_pick(item, "displayId", "displayID"), name=_text(item.get("name")),
        # names in practice; an object's name or id, as CleanRoom's validator keeps it
        partners=[(p.get("name") or p.get("id") or "") if isinstance(p, dict) else _text(p)
                  for p in partners] if isinstance(partners, list) else [],
        questions_count=questions if isinstance(questions, int) else 0, status=_text(item.get("status")),
        time_audit=SimpleNamespace(updated_at=audit.get("updatedAt")) if isinstance(audit, dict) else None,
        clean_room_type_id=_pick(item, "cleanRoomTypeId", "cleanRoomTypeID") or None)


def _company(item: Any) -> SimpleNamespace:
    item = item if isinstance(item, dict) else {}
    return SimpleNamespace(id=_text(item.get("id")), display_name=_text(item.get("display_name")))


def _collaboration(item: dict[str, Any]) -> SimpleNamespace:
    members = item.get("members")
    return SimpleNamespace(id=_text(item.get("id")), name=_text(item.get("name")), status=_text(item.get("status")),
                           owner=_company(item.get("owner")),
                           members=[_company(m) for m in members] if isinstance(members, list) else [],
                           last_activity_date_time=item.get("last_activity_date_time"))
