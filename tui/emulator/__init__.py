"""A faithful local emulator of the LiveRamp Clean Room and InfoSum APIs (no Textual here)."""

from .app import create_app
from .clock import ManualClock, ScaledClock
from .options import EmulatorOptions

__all__ = ["EmulatorOptions", "ManualClock", "ScaledClock", "create_app"]
