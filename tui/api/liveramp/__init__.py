"""LiveRamp Clean Room (formerly Habu): async client, token manager, models.

The names below load on first use (PEP 562), so that the standard-library facts in
:mod:`.paths` can be imported without httpx and pydantic (the headless fast path does).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {"LiveRampClient": ".client", "TokenManager": ".auth", "TokenRequestRefused": ".auth"}

__all__ = ["LiveRampClient", "TokenManager", "TokenRequestRefused"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
