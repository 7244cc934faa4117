"""The cache namespace of a profile: the key its entries are stored under in the shared store.

One rule for the TUI's sessions (:func:`tui.core.session.build_sessions`) and the headless
commands (:mod:`tui.headless.context`), so that each warms the other's cache. Standard library
only: the emulator's options are read, never imported.
"""

from __future__ import annotations

from typing import Any

#: ``EmulatorOptions``' defaults, for a demo started without options
DEMO_SEED = 7
DEMO_SCALE = 1


def cache_namespace(profile: Any, demo_options: Any = None) -> str:
    """A configured profile's own name; an embedded (demo) profile's name with the world's seed and
    scale (``demo-liveramp@7x1``): another world must never be painted as this one's cached data."""
    if not profile.embedded:
        return profile.name
    seed = demo_options.seed if demo_options is not None else DEMO_SEED
    scale = demo_options.scale if demo_options is not None else DEMO_SCALE
    return f"{profile.name}@{seed}x{scale}"


__all__ = ["DEMO_SCALE", "DEMO_SEED", "cache_namespace"]
