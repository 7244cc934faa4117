"""Glue between Starlette and the handlers: authentication, settling the clock, JSON answers,
and the shared list pipeline (filter → order → page) of the v2 list endpoints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .errors import invalid, unauthenticated
from .filters import FilterError, compile_filter, parse_filter
from .model import User
from .ordering import OrderTerm, parse_order_by, sort_items
from .pagination import page_block, parse_page
from .world import World

Handler = Callable[[Request, User | None], Awaitable[object]]


def authenticate(world: World, request: Request) -> User:
    """The API key is the whole ``Authorization`` value (reference §2). ``Bearer <key>`` is also
    accepted (reference §15.16 leaves it open) so a client that adds the prefix is not locked out."""
    header = request.headers.get("authorization", "").strip()
    if not header:
        raise unauthenticated("missing Authorization header: send the API key as the header value")
    key = header[7:].strip() if header[:7].lower() == "bearer " else header
    user = world.user_for_key(key)
    if user is None:
        raise unauthenticated("the API key in the Authorization header is not valid")
    return user


def endpoint(world: World, handler: Handler, *, auth: bool = True) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        user = authenticate(world, request) if auth else None
        world.settle()
        result = await handler(request, user)
        if isinstance(result, Response):
            return result
        return JSONResponse(result)

    return run


def parse_filter_param(params: Mapping[str, str], fields: Mapping[str, str]):
    try:
        return parse_filter(params.get("filter"), fields)
    except FilterError as exc:
        raise invalid(f"filter: {exc}") from None


def list_page(items: Iterable, params: Mapping[str, str], *, key: str, fields: Mapping[str, str],
              getters: Mapping[str, Callable], order_keys: Mapping[str, Callable], default_order: Sequence[OrderTerm],
              render: Callable[[object], dict]) -> dict:
    page = parse_page(params)
    terms = parse_order_by(params.get("order_by"), order_keys, default_order)
    node = parse_filter_param(params, fields)
    accepts = compile_filter(node, getters, fields)
    matching = [item for item in items if accepts(item)]
    ordered = sort_items(matching, terms, order_keys)
    return {key: [render(item) for item in ordered[page.start:page.stop]],
            "pagination": page_block(len(ordered), page)}
