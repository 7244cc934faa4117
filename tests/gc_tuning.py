"""The garbage collector of a test process: the imported world frozen, young collections rarer.

A worker imports Textual, the app, the emulator, Hypothesis and every test module (hundreds of
thousands of objects that live until it exits), then builds and drops an app per test. Python's
full collections walked all of it again and again: a fifth of the fault drills' CPU was the
collector (3.95 s of 17.6 s for 15 drills). Frozen after collection (``gc.freeze``: never walked
again) and with collections triggered every 20,000 allocations instead of 700, it was 2.2 s.
Garbage is still collected (an app is a web of cycles), just in larger, rarer passes.
"""

from __future__ import annotations

import gc

#: allocations between young collections (Python's default: 700), then its two older generations
THRESHOLDS = (20_000, 10, 10)


def install() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
