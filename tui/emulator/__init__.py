"""A faithful local emulator of the LiveRamp Clean Room and InfoSum APIs (no Textual here).

Exports are lazy (module ``__getattr__``): the demo imports ``tui.emulator.options`` at start-up,
and that must not pull in Starlette and both worlds before the first screen is painted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .clock import ManualClock, ScaledClock
    from .options import EmulatorOptions

__all__ = ["EmulatorOptions", "ManualClock", "ScaledClock", "create_app"]

_HOMES = {"EmulatorOptions": "options", "ManualClock": "clock", "ScaledClock": "clock", "create_app": "app"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value
