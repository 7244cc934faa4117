"""``LiveRampClient``: the LiveRamp Clean Room REST API (https://api.habu.com/v1), async, typed.

The same code talks to the real platform and to our emulator. Policy lives in the layers below:

- :class:`~tui.api.http.HttpCore` retries GETs (connect errors, 5xx, 429) and sends every
  POST/PUT/PATCH/DELETE exactly once — this client adds no retries of its own. That includes the
  read-only ``POST …/cleanroom-flows/list``: it is a POST, so it is sent once.
- :class:`~tui.api.liveramp.auth.TokenManager` owns the bearer token (2 per 24 h!).
- A 401 on a call made with a cached token is answered by one token refresh and one retry of
  that call (the 401 means it was not executed, so even a write may be repeated once).

Each method returns models from :mod:`tui.api.liveramp.models`, or raises :class:`ApiError`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from ...config import Profile, state_dir
from ..http import ApiError, HttpCore, RetryPolicy, Sleep, decode_json
from ..items import parse_items
from . import paths
from .auth import Now, TokenManager
from .models import (
    ActivationSummary,
    CleanRoom,
    CleanroomAssets,
    CleanRoomDataset,
    CleanroomDestinationList,
    CleanRoomQuestion,
    CleanRoomQuestionResponse,
    CleanRoomType,
    CleanRoomUser,
    DataConnection,
    DataSource,
    DataType,
    DecisionConfiguration,
    DestinationList,
    ExportJob,
    ExportJobRuns,
    Flow,
    FlowList,
    FlowNodeDetail,
    FlowRun,
    FlowRunList,
    FlowRunOutputNode,
    FlowRunParameters,
    Health,
    IdentifierType,
    Invitation,
    NodeExportJobs,
    NodeExportResult,
    NodeJobRuns,
    NodeStatusResult,
    OrganizationCredential,
    OrganizationUser,
    PartitionParameterValue,
    Partner,
    Permission,
    Question,
    QuestionDataset,
    QuestionParameters,
    QuestionRun,
    ResultShare,
    ReturnObject,
    Role,
    RunAudit,
    RunResultData,
    Schedule,
    Stakeholder,
    Success,
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


class LiveRampClient:
    """One profile's connection to LiveRamp Clean Room (or its emulator).

    Flow paths (``…/cleanroom-flows/{id}/…``): the public sources disagree on which id goes there,
    so the client sends the list item's ``ID``; when the platform answers 404 it sends the same call
    once more with the flow's ``flowID`` (a 404 means nothing was done, so this is safe even for
    the create-flow-run POST; any other error is never repeated), and remembers the convention that
    worked in ``flow_ids`` so later calls — and later processes — go straight to it.
    """

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

    async def __aenter__(self) -> LiveRampClient:
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

    # ------------------------------------------------------------------ clean rooms

    async def list_cleanrooms(self, limit: int = 500, offset: int = 0) -> list[CleanRoom]:
        return await self._get_many(CleanRoom, paths.CLEANROOMS, {"limit": limit, "offset": offset})

    async def iter_cleanrooms(self, page_size: int = 500) -> AsyncIterator[CleanRoom]:
        async for room in self._paged(lambda lim, off: self.list_cleanrooms(lim, off), page_size):
            yield room

    async def get_cleanroom(self, cleanroom_id: str) -> CleanRoom:
        return await self._get_one(CleanRoom, f"/cleanrooms/{_seg(cleanroom_id)}")

    async def cleanroom_types(self) -> list[CleanRoomType]:
        return await self._get_many(CleanRoomType, "/cleanrooms/cleanroom-types")

    async def cleanroom_assets(self, cleanroom_id: str) -> CleanroomAssets:
        return await self._get_one(CleanroomAssets, f"/cleanrooms/{_seg(cleanroom_id)}/assets")

    @staticmethod
    def _cleanroom_body(name: str, type: str, start_at: Day, parameters: dict[str, Any] | None,
                        description: str | None, end_at: Day | None) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name, "type": type, "startAt": _day(start_at),
                                "parameters": _str_dict(parameters)}
        if description is not None:
            body["description"] = description
        if end_at is not None:
            body["endAt"] = _day(end_at)
        return body

    async def create_cleanroom(self, name: str, type: str, start_at: Day, parameters: dict[str, Any],
                               description: str | None = None, end_at: Day | None = None) -> CleanRoom:
        """``POST /cleanrooms``; ``parameters`` e.g. ``{"REGION": "REGION_US", "CLOUD": "CLOUD_GCP"}``."""
        body = self._cleanroom_body(name, type, start_at, parameters, description, end_at)
        return self._one(CleanRoom, await self._json("POST", "/cleanrooms", json_body=body), "/cleanrooms")

    async def update_cleanroom(self, cleanroom_id: str, *, name: str, type: str, start_at: Day,
                               parameters: dict[str, Any] | None = None, description: str | None = None,
                               end_at: Day | None = None) -> CleanRoom:
        """``PUT /cleanrooms/{id}`` with a full ``CleanRoomRequest`` (name, type and startAt are required)."""
        path = f"/cleanrooms/{_seg(cleanroom_id)}"
        body = self._cleanroom_body(name, type, start_at, parameters, description, end_at)
        return self._one(CleanRoom, await self._json("PUT", path, json_body=body), path)

    async def delete_cleanroom(self, cleanroom_id: str) -> Success:
        path = f"/cleanrooms/{_seg(cleanroom_id)}"
        return self._one(Success, await self._json("DELETE", path), path)

    # ------------------------------------------------------------------ partners, invitations, users

    async def list_partners(self, cleanroom_id: str) -> list[Partner]:
        return await self._get_many(Partner, f"/cleanrooms/{_seg(cleanroom_id)}/partners")

    async def get_partner(self, cleanroom_id: str, partner_id: str) -> Partner:
        return await self._get_one(Partner, f"/cleanrooms/{_seg(cleanroom_id)}/partners/{_seg(partner_id)}")

    async def partner_roles(self, cleanroom_id: str, partner_id: str) -> list[Role]:
        return await self._get_many(
            Role, f"/cleanrooms/{_seg(cleanroom_id)}/partners/{_seg(partner_id)}/cleanRoomRoles")

    async def delete_partner(self, cleanroom_id: str, partner_id: str) -> Success:
        path = f"/cleanrooms/{_seg(cleanroom_id)}/partners/{_seg(partner_id)}"
        return self._one(Success, await self._json("DELETE", path), path)

    async def invite_partner(self, cleanroom_id: str, email: str, note: str | None = None) -> Invitation:
        path = f"/cleanrooms/{_seg(cleanroom_id)}/partners"
        body: dict[str, Any] = {"partnerAdminEmail": email}
        if note is not None:
            body["invitationNote"] = note
        return self._one(Invitation, await self._json("POST", path, json_body=body), path)

    async def list_invitations(self, cleanroom_id: str) -> list[Invitation]:
        """SPEC says one object, practice suggests an array: both become a list."""
        return await self._get_many(Invitation, f"/cleanrooms/{_seg(cleanroom_id)}/invitations")

    async def cancel_invitation(self, cleanroom_id: str, invitation_id: str | None = None,
                                email: str | None = None) -> Invitation:
        base = f"/cleanrooms/{_seg(cleanroom_id)}/invitations"
        if invitation_id:
            path, params = f"{base}/{_seg(invitation_id)}", None
        elif email:
            path, params = base, {"partnerEmail": email}
        else:
            raise ValueError("cancel_invitation needs invitation_id or email")
        return self._one(Invitation, await self._json("DELETE", path, params=params), path)

    async def cleanroom_roles(self, cleanroom_id: str) -> list[Role]:
        return await self._get_many(Role, f"/cleanrooms/{_seg(cleanroom_id)}/cleanRoomRoles")

    async def list_cleanroom_users(self, cleanroom_id: str, email: str | None = None) -> list[CleanRoomUser]:
        return await self._get_many(CleanRoomUser, f"/cleanrooms/{_seg(cleanroom_id)}/users",
                                    {"cleanroomUserEmail": email})

    async def add_cleanroom_user(self, cleanroom_id: str, email: str, role: str) -> CleanRoomUser:
        path = f"/cleanrooms/{_seg(cleanroom_id)}/users"
        return self._one(CleanRoomUser,
                         await self._json("POST", path, json_body={"email": email, "role": role}), path)

    async def delete_cleanroom_user(self, cleanroom_id: str, user_id: str) -> Success:
        path = f"/cleanrooms/{_seg(cleanroom_id)}/users/{_seg(user_id)}"
        return self._one(Success, await self._json("DELETE", path), path)

    async def update_cleanroom_user_role(self, cleanroom_id: str, user_id: str, role_id: str) -> CleanRoomUser:
        path = f"/cleanrooms/{_seg(cleanroom_id)}/users/{_seg(user_id)}/cleanRoomRoles/{_seg(role_id)}"
        return self._one(CleanRoomUser, await self._json("PUT", path), path)

    async def update_partner_user_role(self, cleanroom_id: str, partner_id: str, user_id: str,
                                       role_id: str) -> CleanRoomUser:
        path = (f"/cleanrooms/{_seg(cleanroom_id)}/partners/{_seg(partner_id)}/users/{_seg(user_id)}"
                f"/cleanRoomRoles/{_seg(role_id)}")
        return self._one(CleanRoomUser, await self._json("PUT", path), path)

    async def stakeholders(self, cleanroom_id: str) -> list[Stakeholder]:
        return await self._get_many(Stakeholder, f"/cleanrooms/{_seg(cleanroom_id)}/stakeholders")

    # ------------------------------------------------------------------ datasets

    async def list_cleanroom_datasets(self, cleanroom_id: str) -> list[CleanRoomDataset]:
        return await self._get_many(CleanRoomDataset, f"/cleanrooms/{_seg(cleanroom_id)}/datasets")

    async def get_cleanroom_dataset(self, cleanroom_id: str, dataset_id: str) -> CleanRoomDataset:
        return await self._get_one(CleanRoomDataset,
                                   f"/cleanrooms/{_seg(cleanroom_id)}/datasets/{_seg(dataset_id)}")

    async def list_question_datasets(self, cleanroom_question_id: str) -> list[QuestionDataset]:
        return await self._get_many(QuestionDataset, f"/cleanroom-questions/{_seg(cleanroom_question_id)}/datasets")

    async def assign_question_dataset_ownership(self, cleanroom_question_id: str,
                                                assignments: list[dict[str, str]]) -> list[QuestionDataset]:
        """``[{organizationId, macro}]`` as a JSON body (the SDK's reading; SPEC's query form is a doc slip)."""
        path = f"/cleanroom-questions/{_seg(cleanroom_question_id)}/datasets-ownership"
        return self._many(QuestionDataset, await self._json("POST", path, json_body=list(assignments)), path)

    async def configure_question_datasets(self, cleanroom_question_id: str,
                                          datasets: list[dict[str, Any]]) -> list[QuestionDataset]:
        """``[{datasetId, macro, fields: [{name, value}], dataConnectionId?}]``."""
        path = f"/cleanroom-questions/{_seg(cleanroom_question_id)}/datasets"
        return self._many(QuestionDataset, await self._json("POST", path, json_body=list(datasets)), path)

    # ------------------------------------------------------------------ questions

    async def get_question(self, question_id: str) -> Question:
        return await self._get_one(Question, f"/question/{_seg(question_id)}")

    async def list_cleanroom_questions(self, cleanroom_id: str, question_type: str | None = None,
                                       start_date: Day | None = None, end_date: Day | None = None,
                                       limit: int = 500, offset: int = 0) -> list[CleanRoomQuestion]:
        """``question_type`` is ``"List"`` or ``"Analytical"`` (SPEC); dates filter on createdOn."""
        params = {"questionType": question_type, "startDate": _day(start_date), "endDate": _day(end_date),
                  "limit": limit, "offset": offset}
        return await self._get_many(CleanRoomQuestion, paths.cleanroom_questions(cleanroom_id), params)

    async def iter_cleanroom_questions(self, cleanroom_id: str, question_type: str | None = None,
                                       start_date: Day | None = None, end_date: Day | None = None,
                                       page_size: int = 500) -> AsyncIterator[CleanRoomQuestion]:
        async def fetch(limit: int, offset: int) -> list[CleanRoomQuestion]:
            return await self.list_cleanroom_questions(cleanroom_id, question_type, start_date, end_date,
                                                       limit, offset)
        async for question in self._paged(fetch, page_size):
            yield question

    async def get_cleanroom_question(self, cleanroom_question_id: str) -> CleanRoomQuestion:
        return await self._get_one(CleanRoomQuestion, f"/cleanroom-questions/{_seg(cleanroom_question_id)}")

    async def question_parameters(self, cleanroom_question_id: str) -> QuestionParameters:
        return await self._get_one(
            QuestionParameters,
            f"/cleanroom-questions/{_seg(cleanroom_question_id)}/cleanroom-question-parameters")

    async def question_permissions(self, cleanroom_question_id: str) -> list[Permission]:
        return await self._get_many(
            Permission, f"/cleanroom-questions/{_seg(cleanroom_question_id)}/cleanroom-question-permissions")

    async def question_tags(self, cleanroom_question_id: str) -> list[str]:
        data = await self._json("GET", f"/cleanroom-questions/{_seg(cleanroom_question_id)}/cleanroom-question-tags")
        return [str(tag) for tag in _items(data) if isinstance(tag, str | int | float)]

    async def question_result_shares(self, cleanroom_question_id: str) -> list[ResultShare]:
        return await self._get_many(
            ResultShare, f"/cleanroom-questions/{_seg(cleanroom_question_id)}/cleanroom-question-result-shares")

    async def add_question_to_cleanroom(self, cleanroom_id: str, question_id: str,
                                        is_editable: bool = True) -> CleanRoomQuestionResponse:
        """Query key ``questionId`` per SPEC (the SDK spells it ``questionID``); no body."""
        path = f"/cleanrooms/{_seg(cleanroom_id)}/cleanroom-questions"
        params = {"questionId": question_id, "isEditable": _wire_str(is_editable)}
        return self._one(CleanRoomQuestionResponse, await self._json("POST", path, params=params), path)

    async def delete_cleanroom_question(self, cleanroom_question_id: str) -> Success:
        path = f"/cleanroom-questions/{_seg(cleanroom_question_id)}"
        return self._one(Success, await self._json("DELETE", path), path)

    # ------------------------------------------------------------------ question runs

    async def list_runs(self, cleanroom_question_id: str, status: str | None = None,
                        start_date: Day | None = None, end_date: Day | None = None,
                        limit: int = 30, offset: int = 0) -> list[QuestionRun]:
        """Runs of one question (``status`` filter per SPEC); ``limit`` is capped at 100."""
        params = {"status": status, "startDate": _day(start_date), "endDate": _day(end_date),
                  "limit": max(1, min(int(limit), MAX_RUNS_PAGE)), "offset": offset}
        return await self._get_many(
            QuestionRun, paths.question_runs(cleanroom_question_id), params)

    async def iter_runs(self, cleanroom_question_id: str, status: str | None = None,
                        start_date: Day | None = None, end_date: Day | None = None,
                        page_size: int = MAX_RUNS_PAGE) -> AsyncIterator[QuestionRun]:
        page_size = max(1, min(page_size, MAX_RUNS_PAGE))

        async def fetch(limit: int, offset: int) -> list[QuestionRun]:
            return await self.list_runs(cleanroom_question_id, status, start_date, end_date, limit, offset)
        async for run in self._paged(fetch, page_size):
            yield run

    async def get_run(self, run_id: str) -> QuestionRun:
        """One run's status: budgeted on the platform (≤ 20 per object per hour)."""
        return await self._get_one(QuestionRun, paths.question_run(run_id))

    async def create_run(self, cleanroom_question_id: str, name: str, parameters: dict[str, str],
                         partition_parameters: list[dict[str, str]] | None = None) -> QuestionRun:
        """``POST …/create-run`` — sent once, never retried (no idempotency key exists).

        If the answer is lost, reconcile by listing runs; do not post again.
        """
        path = f"/cleanroom-questions/{_seg(cleanroom_question_id)}/create-run"
        body: dict[str, Any] = {"name": name, "parameters": _str_dict(parameters)}
        if partition_parameters is not None:
            body["partitionParameters"] = [_str_dict(p) for p in partition_parameters]
        return self._one(QuestionRun, await self._json("POST", path, json_body=body), path)

    async def run_data(self, run_id: str, limit: int = 500, offset: int = 0) -> RunResultData:
        return await self._get_one(RunResultData, f"/cleanroom-question-runs/{_seg(run_id)}/data",
                                   {"limit": limit, "offset": offset})

    async def run_data_count(self, run_id: str) -> int:
        path = f"/cleanroom-question-runs/{_seg(run_id)}/data/count"
        data = await self._json("GET", path)
        if isinstance(data, dict):
            data = data.get("count")
        try:
            return int(data)
        except (TypeError, ValueError):
            raise ApiError(message=f"unexpected row count {str(data)[:40]!r}", code="BAD_RESPONSE",
                           platform=PLATFORM, method="GET", path=path) from None

    async def download_run_file(self, run_id: str, file_name: str) -> bytes:
        return await self._bytes(f"/cleanroom-question-runs/{_seg(run_id)}/download/{_seg(file_name)}")

    async def run_audit(self, run_id: str) -> RunAudit:
        return await self._get_one(RunAudit, f"/cleanroom-question-runs/{_seg(run_id)}/audit")

    async def run_partition_parameters(self, run_id: str) -> list[PartitionParameterValue]:
        return await self._get_many(PartitionParameterValue,
                                    f"/cleanroom-question-runs/{_seg(run_id)}/partition-parameters")

    async def run_activation_summary(self, run_id: str) -> ActivationSummary:
        return await self._get_one(ActivationSummary, f"/cleanroom-question-runs/{_seg(run_id)}/activation-summary")

    async def update_run_status(self, run_id: str, status: str,
                                post_run_details: dict[str, str] | None = None) -> ReturnObject:
        """For customer-executed runs reporting back; it is not a cancel."""
        path = f"/cleanroom-question-runs/{_seg(run_id)}"
        body: dict[str, Any] = {"id": run_id, "status": status}
        if post_run_details is not None:
            body["postRunDetails"] = _str_dict(post_run_details)
        return self._one(ReturnObject, await self._json("PUT", path, json_body=body), path)

    async def delete_run(self, run_id: str) -> Success:
        path = f"/cleanroom-question-runs/{_seg(run_id)}"
        return self._one(Success, await self._json("DELETE", path), path)

    # ------------------------------------------------------------------ schedules

    def _schedules(self, cleanroom_question_id: str) -> str:
        return f"/cleanroom-questions/{_seg(cleanroom_question_id)}/cleanroom-question-run-schedules"

    async def list_schedules(self, cleanroom_question_id: str) -> list[Schedule]:
        return await self._get_many(Schedule, self._schedules(cleanroom_question_id))

    async def get_schedule(self, cleanroom_question_id: str, schedule_id: str) -> Schedule:
        return await self._get_one(Schedule, f"{self._schedules(cleanroom_question_id)}/{_seg(schedule_id)}")

    async def create_schedule(self, cleanroom_question_id: str, body: dict[str, Any]) -> str:
        """``CreateCleanroomQuestionRunScheduleInput`` → the new schedule id."""
        path = self._schedules(cleanroom_question_id)
        return _id_of(await self._json("POST", path, json_body=body))

    async def update_schedule(self, cleanroom_question_id: str, schedule_id: str, body: dict[str, Any]) -> str:
        path = f"{self._schedules(cleanroom_question_id)}/{_seg(schedule_id)}"
        return _id_of(await self._json("PATCH", path, json_body=body)) or schedule_id

    async def delete_schedule(self, cleanroom_question_id: str, schedule_id: str) -> Success:
        path = f"{self._schedules(cleanroom_question_id)}/{_seg(schedule_id)}"
        return self._one(Success, await self._json("DELETE", path), path)

    # ------------------------------------------------------------------ exports, destinations

    async def list_export_jobs(self, cleanroom_id: str) -> list[ExportJob]:
        return await self._get_many(ExportJob, f"/cleanrooms/{_seg(cleanroom_id)}/exports/jobs")

    async def create_export_job(self, cleanroom_id: str, cleanroom_question_id: str,
                                partner_account_ids: list[str],
                                export_parameters: list[dict[str, str]] | None = None,
                                cleanroom_dataset_id: str | None = None) -> list[str]:
        """Returns the new job ids (one per partner account)."""
        path = f"/cleanrooms/{_seg(cleanroom_id)}/exports/jobs"
        body: dict[str, Any] = {"cleanroomQuestionId": cleanroom_question_id,
                                "partnerAccountIds": list(partner_account_ids)}
        if export_parameters is not None:
            body["exportParameters"] = [_str_dict(p) for p in export_parameters]
        if cleanroom_dataset_id is not None:
            body["cleanroomDatasetId"] = cleanroom_dataset_id
        data = await self._json("POST", path, json_body=body)
        return [item if isinstance(item, str) else _id_of(item) for item in _items(data)
                if isinstance(item, str | dict)]

    async def export_job_runs(self, job_id: str) -> ExportJobRuns:
        return await self._get_one(ExportJobRuns, f"/exports/jobs/{_seg(job_id)}/runs")

    async def set_export_job_status(self, job_id: str, status: str) -> Success:
        """``PATCH /exports/jobs/{id}/status {status: ACTIVE|PAUSED}``: pause or resume; sent once."""
        path = f"/exports/jobs/{_seg(job_id)}/status"
        return self._one(Success, await self._json("PATCH", path, json_body={"status": status}), path)

    async def list_node_exports(self, cleanroom_id: str, flow_id: str, node_ids: Sequence[str]) -> list[NodeExportJobs]:
        params = {"nodeIds": ",".join(node_ids), "limit": 500, "offset": 0}
        return await self._on_flow(cleanroom_id, flow_id, "/nodes/exports",
                                   lambda path: self._get_many(NodeExportJobs, path, params))

    async def node_export_runs(self, cleanroom_id: str, flow_id: str, node_ids: Sequence[str]) -> list[NodeJobRuns]:
        params = {"nodeIds": ",".join(node_ids)}
        return await self._on_flow(cleanroom_id, flow_id, "/nodes/exports/runs",
                                   lambda path: self._get_many(NodeJobRuns, path, params))

    async def create_node_exports(self, cleanroom_id: str, flow_id: str,
                                  items: Sequence[dict[str, Any]]) -> list[NodeExportResult]:
        """``POST …/nodes/exports [{nodeId, partnerAccountIds, exportParameters}]``: one job per
        destination per node; sent once (a 404 on the flow id created nothing, so the other id is tried)."""
        body = [{"nodeId": str(i["nodeId"]), "partnerAccountIds": [str(a) for a in i["partnerAccountIds"]],
                 "exportParameters": [_str_dict(p) for p in i.get("exportParameters") or []]} for i in items]

        async def call(path: str) -> list[NodeExportResult]:
            return self._many(NodeExportResult, await self._json("POST", path, json_body=body), path)

        return await self._on_flow(cleanroom_id, flow_id, "/nodes/exports", call)

    async def set_node_exports_status(self, cleanroom_id: str, flow_id: str, node_ids: Sequence[str],
                                      status: str) -> list[NodeStatusResult]:
        body = {"nodeIds": list(node_ids), "status": status}

        async def call(path: str) -> list[NodeStatusResult]:
            return self._many(NodeStatusResult, await self._json("PATCH", path, json_body=body), path)

        return await self._on_flow(cleanroom_id, flow_id, "/nodes/exports/status", call)

    async def list_destinations(self, limit: int = 30, offset: int = 0) -> DestinationList:
        return await self._get_one(DestinationList, "/destinations",
                                   {"limit": max(1, min(limit, MAX_DESTINATIONS_PAGE)), "offset": offset})

    async def list_cleanroom_destinations(self, cleanroom_id: str, type: str | None = None,
                                          limit: int = 30, offset: int = 0) -> CleanroomDestinationList:
        params = {"type": type, "limit": max(1, min(limit, MAX_DESTINATIONS_PAGE)), "offset": offset}
        return await self._get_one(CleanroomDestinationList, f"/cleanrooms/{_seg(cleanroom_id)}/destinations",
                                   params)

    # ------------------------------------------------------------------ flows

    def _flow(self, cleanroom_id: str, flow_id: str) -> str:
        return f"/cleanrooms/{_seg(cleanroom_id)}/cleanroom-flows/{_seg(flow_id)}"

    def _learn_flows(self, flows: Sequence[Flow]) -> None:
        for flow in flows:
            if flow.id and flow.flow_id:
                self._flow_aliases[flow.id] = self._flow_aliases[flow.flow_id] = (flow.id, flow.flow_id)

    async def _flow_ids(self, cleanroom_id: str, flow_id: str) -> tuple[str, str] | None:
        """(ID, flowID) of a flow named by either id: from answers seen, else from the room's flow list."""
        if flow_id not in self._flow_aliases:
            offset = 0
            while True:
                page = await self.list_flows(cleanroom_id, limit=100, offset=offset)
                if flow_id in self._flow_aliases or len(page.clean_room_flows) < 100:
                    break
                offset += 100
        return self._flow_aliases.get(flow_id)

    def flow_path_id(self, flow_id: str) -> str:
        """The id this client will put in a flow path for ``flow_id`` (what a confirmation shows)."""
        ids = self._flow_aliases.get(flow_id)
        if ids is None:
            return flow_id
        return ids[1] if self.flow_convention == FLOW_FLOW_ID else ids[0]

    def _remember_flow_convention(self, convention: str) -> None:
        if convention != self.flow_convention:
            self.flow_convention = convention
            if self._flow_memory is not None:
                self._flow_memory.set(convention)

    async def _on_flow(self, cleanroom_id: str, flow_id: str, suffix: str,
                       call: Callable[[str], Awaitable[T]]) -> T:
        """``call(path)`` for a flow path, with the id convention the platform accepts (class docstring)."""
        ids = self._flow_aliases.get(flow_id)
        if ids is None and self.flow_convention == FLOW_FLOW_ID:
            ids = await self._flow_ids(cleanroom_id, flow_id)  # go straight to the remembered convention
        first = flow_id if ids is None else ids[1 if self.flow_convention == FLOW_FLOW_ID else 0]
        try:
            result = await call(self._flow(cleanroom_id, first) + suffix)
        except ApiError as exc:
            if exc.status != 404:
                raise
            ids = ids or await self._flow_ids(cleanroom_id, flow_id)
            if ids is None or ids[0] == ids[1]:
                raise
            other = ids[1] if first == ids[0] else ids[0]
            result = await call(self._flow(cleanroom_id, other) + suffix)
            self._remember_flow_convention(FLOW_FLOW_ID if other == ids[1] else FLOW_ID)
            return result
        if ids is not None and ids[0] != ids[1]:
            self._remember_flow_convention(FLOW_FLOW_ID if first == ids[1] else FLOW_ID)
        return result

    def _flow_run(self, cleanroom_id: str, run_id: str) -> str:
        return f"/cleanrooms/{_seg(cleanroom_id)}/cleanroom-flow-runs/{_seg(run_id)}"

    async def list_flows(self, cleanroom_id: str, limit: int = 100, offset: int = 0,
                         search: str | None = None) -> FlowList:
        """``POST …/cleanroom-flows/list``: a read, but a POST — so HttpCore sends it once, no retry."""
        path = f"/cleanrooms/{_seg(cleanroom_id)}/cleanroom-flows/list"
        body: dict[str, Any] = {"filters": [], "limit": limit, "offset": offset}
        if search:
            body["search"] = search
        flows = self._one(FlowList, await self._json("POST", path, json_body=body, write=False), path)
        self._learn_flows(flows.clean_room_flows)
        return flows

    async def get_flow(self, cleanroom_id: str, flow_id: str) -> Flow:
        async def call(path: str) -> Flow:
            data = await self._json("GET", path)
            if isinstance(data, dict) and isinstance(data.get("cleanRoomFlow"), dict):
                data = data["cleanRoomFlow"]
            flow = self._one(Flow, data, path)
            self._learn_flows([flow])
            return flow

        return await self._on_flow(cleanroom_id, flow_id, "", call)

    async def flow_node_details(self, cleanroom_id: str, flow_id: str) -> list[FlowNodeDetail]:
        async def call(path: str) -> list[FlowNodeDetail]:
            data = await self._json("GET", path)
            if isinstance(data, dict) and isinstance(data.get("nodes"), list):
                data = data["nodes"]
            return self._many(FlowNodeDetail, data, path)

        return await self._on_flow(cleanroom_id, flow_id, "/node-details", call)

    async def flow_run_parameters(self, cleanroom_id: str, flow_id: str) -> FlowRunParameters:
        return await self._on_flow(cleanroom_id, flow_id, "/flow-run-parameters",
                                   lambda path: self._get_one(FlowRunParameters, path))

    async def decision_configurations(self, cleanroom_id: str, flow_id: str,
                                      node_identifier: str | None = None) -> DecisionConfiguration:
        return await self._on_flow(cleanroom_id, flow_id, "/decision-configurations", lambda path: self._get_one(
            DecisionConfiguration, path, {"nodeIdentifier": node_identifier}))

    async def create_flow_run(
        self,
        cleanroom_id: str,
        flow_id: str,
        name: str,
        nodes: list[dict[str, Any]],
        pause_level: int | str | None = None,
        branches: str | list[str] | None = None,
        exclude_nodes_without_tags: bool = False,
        ignore_parent_child_rule: bool = False,
        include_mismatching_tagged_nodes: bool = False,
        dataset_assignments: list[dict[str, Any]] | None = None,
    ) -> FlowRun:
        """Start a flow run (counts against the 20 creates/hour); sent once, never retried.

        ``nodes``: ``[{nodeIdentifier, parameters: {name: value}}]``; ``pause_level`` 2 → ``"Level-2"``.
        """
        branch_text = ",".join(branches) if isinstance(branches, list) else (branches or "")
        if not branch_text:  # as the SDK: without branches these switches must be off
            exclude_nodes_without_tags = ignore_parent_child_rule = False
        body: dict[str, Any] = {"name": name}
        if (level := level_id(pause_level)) is not None:
            body["pauseLevelID"] = level
        if branch_text:
            body["branches"] = branch_text
        body.update({
            "excludeNodesWithoutTags": exclude_nodes_without_tags,
            "ignoreParentChildRule": ignore_parent_child_rule,
            "includeMismatchingTaggedNodes": include_mismatching_tagged_nodes,
            "nodes": [_node_input(n) for n in nodes],
        })
        if dataset_assignments:
            body["datasetAssignments"] = dataset_assignments

        async def call(path: str) -> FlowRun:
            # sent once per id: a 404 created nothing, so the other id may be tried (_on_flow)
            return self._one(FlowRun, await self._json("POST", path, json_body=body), path)

        return await self._on_flow(cleanroom_id, flow_id, "/cleanroom-flow-runs", call)

    async def list_flow_runs(self, cleanroom_id: str, flow_id: str, search: str | None = None,
                             limit: int = 30, offset: int = 0) -> FlowRunList:
        return await self._on_flow(cleanroom_id, flow_id, "/cleanroom-flow-runs", lambda path: self._get_one(
            FlowRunList, path, {"search": search, "limit": limit, "offset": offset}))

    async def get_flow_run(self, cleanroom_id: str, run_id: str) -> FlowRun:
        return await self._get_one(FlowRun, self._flow_run(cleanroom_id, run_id))

    async def flow_run_status(self, cleanroom_id: str, run_id: str) -> str:
        data = await self._json("GET", f"{self._flow_run(cleanroom_id, run_id)}/status")
        if isinstance(data, dict):
            data = data.get("status", data.get("Status"))
        return "" if data is None else str(data)

    async def flow_run_report(self, cleanroom_id: str, run_id: str, node: str,
                              limit: int = 500, offset: int = 0) -> RunResultData:
        """One node's results; ``node`` is a node UUID or a ``Q-…`` label."""
        return await self._get_one(RunResultData, f"{self._flow_run(cleanroom_id, run_id)}/report",
                                   {"node": node, "limit": limit, "offset": offset})

    async def flow_run_output_nodes(self, cleanroom_id: str, run_id: str) -> list[FlowRunOutputNode]:
        return await self._get_many(FlowRunOutputNode, f"{self._flow_run(cleanroom_id, run_id)}/output-nodes")

    async def download_flow_node_file(self, cleanroom_id: str, run_id: str, node: str, file_name: str) -> bytes:
        return await self._bytes(f"{self._flow_run(cleanroom_id, run_id)}/node/{_seg(node)}/download/{_seg(file_name)}")

    async def resume_flow_run(self, cleanroom_id: str, run_id: str,
                              pause_level: int | str | None = None) -> Success:
        path = f"{self._flow_run(cleanroom_id, run_id)}/resume-flow-run"
        body: dict[str, Any] = {}
        if (level := level_id(pause_level)) is not None:
            body["pauseLevelID"] = level
        return self._one(Success, await self._json("POST", path, json_body=body), path)

    async def replay_flow_run(self, cleanroom_id: str, run_id: str, start_level: int | str,
                              pause_level: int | str | None = None, name: str | None = None,
                              nodes: list[dict[str, Any]] | None = None) -> str:
        """Re-run from ``start_level`` reusing earlier levels' results; returns the new run id."""
        path = f"{self._flow_run(cleanroom_id, run_id)}/replay-flow-run"
        body: dict[str, Any] = {"startLevelID": level_id(start_level)}
        if (level := level_id(pause_level)) is not None:
            body["pauseLevelID"] = level
        if name is not None:
            body["name"] = name
        if nodes is not None:
            body["nodes"] = [_node_input(n) for n in nodes]
        data = await self._json("POST", path, json_body=body)
        new_id = _id_of(data, "cleanRoomFlowRunID", "cleanRoomFlowRunId", "cleanroomFlowRunId")
        if not new_id:
            raise ApiError(message="the replay answer names no new flow run", code="BAD_RESPONSE",
                           platform=PLATFORM, method="POST", path=path)
        return new_id

    # ------------------------------------------------------------------ organization

    async def list_data_connections(self) -> list[DataConnection]:
        return await self._get_many(DataConnection, "/data-connections")

    async def list_data_sources(self) -> list[DataSource]:
        return await self._get_many(DataSource, "/data-sources")

    async def data_source_types(self, data_source_id: str) -> list[DataType]:
        return await self._get_many(DataType, f"/data-sources/{_seg(data_source_id)}/data-types")

    async def list_identifier_types(self) -> list[IdentifierType]:
        return await self._get_many(IdentifierType, "/identifier-types")

    async def list_users(self, limit: int = 500, offset: int = 0) -> list[OrganizationUser]:
        return await self._get_many(OrganizationUser, "/users", {"limit": limit, "offset": offset})

    async def list_credentials(self) -> list[OrganizationCredential]:
        """Organization credentials, names only (values are dropped while parsing)."""
        return await self._get_many(OrganizationCredential, "/organization-credentials")


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


__all__ = ["LiveRampClient", "api_root", "default_token_cache_dir", "level_id"]
