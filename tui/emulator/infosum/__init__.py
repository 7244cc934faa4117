"""The emulated InfoSum API, mounted under ``/api`` by :func:`tui.emulator.app.create_app`.

``build_app(options, clock)`` returns a Starlette app whose ``state.world`` is the
:class:`~tui.emulator.infosum.world.World` (seeded by :func:`~tui.emulator.infosum.seed.build_world`).
Written from the reference only — it shares no code with ``tui/api`` (DESIGN.md).

Where the reference is silent we chose (each module's docstring has the details):

- auth: raw key in ``Authorization``; ``Bearer <key>`` accepted too; ``/api/v1/health`` needs no key.
- errors: v2 body with gRPC-style codes; v1 tyraelError; ``/v1/insights`` ``{error, code}``.
  A non-member (never joined, or left) gets 404 for everything about a collaboration.
- pagination: ``next_page`` omitted on the last page; ``per_page`` > 500 → 400.
- order: default newest first, ASC when the direction is omitted; ``owner`` sorts by display name.
- filter: ``not`` > ``and`` > ``or``; ``''`` escapes a quote; company filters match ids; list
  fields (``members``) match if any element does. ``members`` never includes the owner.
- bodies: unknown fields are 400 (protojson-strict), so client typos fail loudly.
- events: ``metadata`` is ``{}`` for members without ``detailed_logs``; CSV columns
  ``event_date_time,type,company_id,message,entities,metadata`` (last two JSON in a cell).
- duplicates (dataset/name/destination already in the collaboration): 400 ALREADY_EXISTS
  (``world.duplicate_status = 409`` switches to 409).
- leaving removes the leaver's datasets and destinations from the collaboration, silently.
- queries: fail when the text contains ``FAIL`` or breaks the dataset's permission; v1
  ``/result`` of a failed query is 400 tyraelError; v1 counts are JSON numbers, key ids strings.

Checked against InfoSum's published playbooks (issue 21; ``scripts/check_spec.py SPEC_DIR`` calls every
GET they describe and validates the answers):

- ``GET /v2/destinations/instances/{id}`` answers for every destination a collaboration the caller
  belongs to lists (the AD playbook's "confirm the destination exists" step), not only owned ones;
  only the owner sees its ``config`` and share fields.
- The IQ playbook's ``/v1/insights/{id}`` and ``…/results`` serve every query, whether created through
  ``/v1/insights`` or ``/v1/queries`` (one store of queries).
- ``POST``/``GET /v1/activations[/{id}]`` (the AD playbook's steps 1–2) answer the [V1] shapes.
- Known conflict, kept: the CM playbook's event-type enum (17 values) is older than v2's 24; the
  emulator sends the v2 types (and ``ENTITY_ACTIVATION_SEGMENT``), so those events fail the playbook's
  enum.
- ``POST …/close`` and ``…/leave`` accept an empty body (the playbook declares none) as well as ``{}``.
"""

from __future__ import annotations

from starlette.applications import Starlette

from ..clock import Clock
from ..options import EmulatorOptions
from . import (
    activations,
    routes_account,
    routes_assets,
    routes_collaborations,
    routes_events,
    routes_queries,
    routes_stats,
)
from .errors import exception_handlers
from .seed import build_world
from .world import World


def build_app(options: EmulatorOptions, clock: Clock | None = None) -> Starlette:
    clock = clock or options.make_clock()
    world = build_world(options, clock)
    routes = []
    for module in (routes_collaborations, routes_assets, routes_stats, routes_events, routes_queries,
                   routes_account, activations):
        routes.extend(module.routes(world))
    app = Starlette(routes=routes, exception_handlers=exception_handlers(clock))
    app.state.world = world
    return app


__all__ = ["World", "build_app", "build_world"]
