"""The emulator against the vendors' published API descriptions (issue 21), through
``scripts/check_spec.py``: every GET the files describe is called (ids harvested from list answers)
and its answer validated against the operation's schema.

The vendor files stay outside the project: ``../shared/reference/vendor-specs`` next to the repo
(``CLEANROOM_VENDOR_SPECS`` points elsewhere). Without them the test skips and says why.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPECS = Path(os.environ.get("CLEANROOM_VENDOR_SPECS") or ROOT.parent / "shared" / "reference" / "vendor-specs")

#: the conflicts the issue allows, each documented in the script's KNOWN and the emulator's docstrings
ALLOWED_KNOWN_LIVERAMP = {"GET /cleanrooms/{cleanroomId}/invitations", "GET /question/{questionID}/data-types"}
ALLOWED_KNOWN_INFOSUM = {"GET /api/v2/collaborations/{collaboration_id}/events"}


def _script():
    spec = importlib.util.spec_from_file_location("check_spec", ROOT / "scripts" / "check_spec.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_spec"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (SPECS / "liveramp-clean-room-api-openapi.yml").is_file(),
                    reason=f"vendor specs not found at {SPECS} (set CLEANROOM_VENDOR_SPECS)")
def test_emulator_answers_are_valid_against_the_vendor_specs():
    check = _script()
    totals = check.summary(check.run_checks(SPECS))
    lr, inf = totals["liveramp"], totals["infosum"]
    assert lr["operations"] == 80
    assert lr["called"] >= 72, lr
    assert not lr["invalid"] and not lr["not_called"], lr
    assert set(lr["known"]) <= ALLOWED_KNOWN_LIVERAMP, lr["known"]
    # only the spec's Internal-tagged intelligence GETs and the documented unserved one stay uncalled
    assert all("intelligence" in op for op in lr["optional_not_called"] if op not in lr["unserved"])
    assert inf["called"] == inf["operations"] == 12, inf
    assert not inf["invalid"] and set(inf["known"]) <= ALLOWED_KNOWN_INFOSUM, inf
