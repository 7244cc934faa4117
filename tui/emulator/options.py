"""Options shared by both emulated platforms."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

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
    #: seed the free-text fields with these strings instead of the corpus (implies ``hostile``):
    #: the byte-stream test's hook (``--hostile-file``, tests/faults/test_byte_stream.py)
    hostile_strings: tuple[str, ...] | None = None
    #: which id LiveRamp flow paths accept: "both" (default), "ID" (the flow list item's) or "flowID"
    #: (issue 21: the vendor's spec and SDK disagree; tests switch this to prove the client copes)
    flow_ids: str = "both"
    #: ids of objects created through the API are drawn from (seed, id_salt): the demo passes a
    #: per-process value so they never repeat across starts; None keeps them deterministic (tests)
    id_salt: int | None = None
    #: a file where the LiveRamp world keeps the runs created through the API across starts (the
    #: demo; tui/emulator/liveramp/keep.py); None keeps nothing
    keep: Path | None = None

    @classmethod
    def demo(cls, keep_dir: Path, **kw: object) -> EmulatorOptions:
        """The built-in demo's options: new ids unique to this process (time and pid), and the runs
        launched in earlier demos kept in ``keep_dir`` (one file per seed and scale)."""
        options = cls(**kw)  # type: ignore[arg-type]
        options.id_salt = time.time_ns() ^ (os.getpid() << 20)
        options.keep = keep_dir / f"demo-world-{options.seed}x{options.scale}.jsonl"
        return options

    def make_clock(self) -> Clock:
        if self.clock is None:
            self.clock = ScaledClock(self.speed)
        return self.clock
