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

One module per resource group (``collaborations`` (with their datasets, destinations and stats),
``events``, ``queries``, ``company`` (account, health, company-wide lists)), each a mixin over
``core.ClientCore``; ``InfoSumClient`` is all of them, and every name below stays importable from here.
"""

from __future__ import annotations

from .collaborations import CollaborationsApi
from .company import CompanyApi

# the module constants and checks stay importable from here, as they were
from .core import EMBEDDED_BASE_URL as EMBEDDED_BASE_URL
from .core import MAX_PER_PAGE, PLATFORM, QUERY_APIS, ClientCore, QueryNotReady, validate_dataset_name
from .events import EventsApi
from .queries import QueriesApi


class InfoSumClient(CollaborationsApi, EventsApi, QueriesApi, CompanyApi, ClientCore):
    """Async client for the InfoSum API. Use as ``async with InfoSumClient(profile) as c: ...``."""


__all__ = ["MAX_PER_PAGE", "PLATFORM", "QUERY_APIS", "InfoSumClient", "QueryNotReady", "validate_dataset_name"]
