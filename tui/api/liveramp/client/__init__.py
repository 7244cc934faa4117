"""``LiveRampClient``: the LiveRamp Clean Room REST API (https://api.habu.com/v1), async, typed.

The same code talks to the real platform and to our emulator. Policy lives in the layers below:

- :class:`~tui.api.http.HttpCore` retries GETs (connect errors, 5xx, 429) and sends every
  POST/PUT/PATCH/DELETE exactly once — this client adds no retries of its own. That includes the
  read-only ``POST …/cleanroom-flows/list``: it is a POST, so it is sent once.
- :class:`~tui.api.liveramp.auth.TokenManager` owns the bearer token (2 per 24 h!).
- A 401 on a call made with a cached token is answered by one token refresh and one retry of
  that call (the 401 means it was not executed, so even a write may be repeated once).

Each method returns models from :mod:`tui.api.liveramp.models`, or raises :class:`ApiError`.

One module per resource group (``rooms``, ``questions`` (and runs), ``exports`` (schedules, export jobs,
destinations), ``flows``, ``organization``), each a mixin over ``core.ClientCore`` (auth, sending, parsing,
paging); ``LiveRampClient`` is all of them, and every name below stays importable from here.
"""

from __future__ import annotations

# the module constants and types stay importable from here, as they were
from .core import EMBEDDED_ORIGIN as EMBEDDED_ORIGIN
from .core import FLOW_FLOW_ID as FLOW_FLOW_ID
from .core import FLOW_ID as FLOW_ID
from .core import MAX_DESTINATIONS_PAGE as MAX_DESTINATIONS_PAGE
from .core import MAX_RUNS_PAGE as MAX_RUNS_PAGE
from .core import PLATFORM as PLATFORM
from .core import ClientCore, api_root, default_token_cache_dir, level_id
from .core import Day as Day
from .core import FlowIdMemory as FlowIdMemory
from .core import OnCall as OnCall
from .exports import ExportsApi
from .flows import FlowsApi
from .organization import OrganizationApi
from .questions import QuestionsApi
from .rooms import RoomsApi


class LiveRampClient(RoomsApi, QuestionsApi, ExportsApi, FlowsApi, OrganizationApi, ClientCore):
    """One profile's connection to LiveRamp Clean Room (or its emulator).

    Flow paths (``…/cleanroom-flows/{id}/…``): the public sources disagree on which id goes there,
    so the client sends the list item's ``ID``; when the platform answers 404 it sends the same call
    once more with the flow's ``flowID`` (a 404 means nothing was done, so this is safe even for
    the create-flow-run POST; any other error is never repeated), and remembers the convention that
    worked in ``flow_ids`` so later calls — and later processes — go straight to it.
    """


__all__ = ["LiveRampClient", "api_root", "default_token_cache_dir", "level_id"]
