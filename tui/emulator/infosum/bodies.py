"""Request-body reading and validation (protojson-like: unknown fields are rejected, so a typo
in a client's field name fails loudly instead of being silently ignored)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.requests import Request

from .errors import invalid
from .model import Rights


async def json_body(request: Request, *, optional: bool = False) -> dict:
    raw = await request.body()
    if not raw.strip():
        if optional:
            return {}
        raise invalid("request body is required (JSON object)")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid(f"request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise invalid("request body must be a JSON object")
    return body


def check_fields(body: dict, allowed: Iterable[str], where: str = "request body") -> None:
    allowed = set(allowed)
    for key in body:
        if key not in allowed:
            raise invalid(f"unknown field '{key}' in {where}; expected one of: {', '.join(sorted(allowed))}")


def string(body: dict, name: str, *, required: bool = False, where: str = "") -> str:
    value = body.get(name)
    label = f"{where}{name}"
    if value is None or value == "":
        if required:
            raise invalid(f"{label} is required")
        return ""
    if not isinstance(value, str):
        raise invalid(f"{label} must be a string")
    return value


def boolean(body: dict, name: str, where: str = "") -> bool:
    value = body.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise invalid(f"{where}{name} must be true or false")
    return value


def string_list(body: dict, name: str, where: str = "") -> list[str]:
    value = body.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(f"{where}{name} must be a list of strings")
    return list(value)


def rights(value: object, where: str) -> Rights:
    if value is None:
        return Rights()  # protobuf default: every right false
    if not isinstance(value, dict):
        raise invalid(f"{where} must be an object with contributor, detailed_logs, operator")
    check_fields(value, ("contributor", "detailed_logs", "operator"), where)
    return Rights(boolean(value, "contributor", f"{where}."), boolean(value, "detailed_logs", f"{where}."),
                  boolean(value, "operator", f"{where}."))
