"""Options shared by both emulated platforms."""

from __future__ import annotations

from dataclasses import dataclass

from .clock import Clock, ScaledClock


@dataclass
class EmulatorOptions:
    seed: int = 7
    #: world seconds per real second (ignored when ``clock`` is given)
    speed: float = 60.0
    #: volume multiplier for benchmarks (more events, larger results)
    scale: int = 1
    #: enforce LiveRamp's published limits with 429s (creates/h, status reads/object/h, tokens/24h)
    strict_limits: bool = False
    clock: Clock | None = None
    #: fault injection spec (issue 10); None = no chaos
    chaos: str | None = None
    #: seed every free-text field of both worlds with hostile strings (issue 10, tui/emulator/hostile.py)
    hostile: bool = False
    #: which id LiveRamp flow paths accept: "both" (default), "ID" (the flow list item's) or "flowID"
    #: (issue 21: the vendor's spec and SDK disagree; tests switch this to prove the client copes)
    flow_ids: str = "both"

    def make_clock(self) -> Clock:
        if self.clock is None:
            self.clock = ScaledClock(self.speed)
        return self.clock
