"""The demo world's memory across starts: question runs and flow runs created through the API.

The seeded world is rebuilt on every start, but what a person launched in an earlier demo (and what
the local store still shows on the Runs board, or what ``launch --demo`` told them to ``watch``)
must still be there. So, when given a file, the world appends each run it creates to it (one JSON
line) and re-creates those runs when it is built again. A run's fate is derived from its id, so a
re-created run finishes the same way. Submission times later than the new world's clock (the demo
clock runs faster than the wall, and restarts from the wall) are brought back to its "now": such a
run was only just launched, and carries on from there.

Only for the demo: a served emulator or a test world keeps nothing unless asked.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from .lifecycle import plan_new_run
from .model import FlowPlan, FlowRun, Run

log = logging.getLogger("tui.emulator.keep")


class Keep:
    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, obj: Run | FlowRun) -> None:
        if isinstance(obj, Run):
            line = {"kind": "run", "id": obj.id, "name": obj.name, "question_id": obj.question_id,
                    "submitted_at": obj.submitted_at.isoformat(), "parameters": obj.parameters,
                    "partition_parameters": obj.partition_parameters,
                    "question_version": obj.question_version, "client_id": obj.client_id}
        else:
            line = {"kind": "flow_run", "id": obj.id, "flow_id": obj.flow_id, "room_id": obj.room_id,
                    "name": obj.name, "submitted_at": obj.submitted_at.isoformat(),
                    "node_parameters": obj.node_parameters, "plan": asdict(obj.plan),
                    "start_level": obj.start_level, "pause_level": obj.pause_level,
                    "parent_run_id": obj.parent_run_id, "client_id": obj.client_id}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(line) + "\n")
        except OSError as exc:  # the demo goes on; only its memory is lost
            log.warning("demo world: could not keep %s: %s", obj.id, exc)

    def restore(self, world: Any, now: datetime) -> int:
        """Re-create the kept runs whose question or flow this world has; returns how many."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return 0
        restored = 0
        for text in lines:
            try:
                d = json.loads(text)
                when = min(datetime.fromisoformat(d["submitted_at"]), now)
                if d["id"] in world.runs or d["id"] in world.flow_runs:
                    continue
                if d["kind"] == "run" and d["question_id"] in world.questions:
                    world.add_run(Run(d["id"], d["name"], d["question_id"], when, d["parameters"],
                                      d["partition_parameters"], plan_new_run(d["id"]), d["question_version"],
                                      d["client_id"]))
                elif d["kind"] == "flow_run" and d["flow_id"] in world.flows:
                    world.flow_runs[d["id"]] = FlowRun(
                        d["id"], d["flow_id"], d["room_id"], d["name"], when, d["node_parameters"],
                        FlowPlan(**d["plan"]), start_level=d["start_level"], pause_level=d["pause_level"],
                        parent_run_id=d["parent_run_id"], client_id=d["client_id"])
                else:
                    continue
                restored += 1
            except (ValueError, KeyError, TypeError) as exc:  # a torn last line, an older format
                log.warning("demo world: skipped a kept line: %s", exc)
        return restored


__all__ = ["Keep"]
