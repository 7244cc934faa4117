"""LiveRamp's own SDK (PyPI ``liveramp-cleanroom-sdk``, CLI ``liveramp-cleanroom``) as a test oracle
against the served emulator (issue 21). Something nobody here wrote must accept our emulator.

One subprocess per command, a fresh YAML config per command (client credentials, ``base_url``, the
room, a private output folder), JSON output. A command passes only if it exits 0 AND its output holds
the expected data: the SDK prints some errors and still exits 0. The flow id is the one the SDK
naturally gets: the flow list's ``flowID``.

Wall time: one emulator for the module on a fast clock (1 real second = 30 world minutes: runs finish
within a poll or two of the SDK's 1 s interval; a 12 h token still lasts ~24 s), and independent
commands run concurrently.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import liveramp_cleanroom_sdk  # noqa: F401  (a test dependency: missing means failing, not skipping)
import pytest
import yaml

from tui.emulator import EmulatorOptions
from tui.emulator.liveramp.lifecycle import run_state
from tui.emulator.liveramp.views import room_status
from tui.emulator.server import served

SPEED = 1800.0
TERMINAL = {"COMPLETED", "FAILED", "CANCELLED"}


class Sdk:
    def __init__(self, base_url: str, room_id: str, root: Path) -> None:
        self.base_url, self.room_id, self.root = base_url, room_id, root
        self.count = 0
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LIVERAMP_")}
        self.env["HOME"] = str(root)

    def config(self, **extra) -> Path:
        self.count += 1
        folder = self.root / f"cmd-{self.count}"
        folder.mkdir(parents=True)
        data = {"cleanroom_id": self.room_id, "client_id": "demo-client", "client_secret": "demo-secret",
                "base_url": self.base_url, "log_level": "WARNING", "output_location": str(folder / "out"),
                "poll_interval": 1, "max_polls": 60, **extra}
        path = folder / "config.yaml"
        path.write_text(yaml.safe_dump(data))
        return path

    def run(self, command: str, *args: str, json_output: bool = True, **config) -> object:
        """Run one command; its printed JSON (the SDK prints a title, a rule, then the document)."""
        argv = [sys.executable, "-m", "liveramp_cleanroom_sdk", command, "--config", str(self.config(**config)),
                *args]
        if json_output:
            argv += ["--output-format", "json"]
        done = subprocess.run(argv, capture_output=True, text=True, env=self.env, cwd=self.root, timeout=120)
        assert done.returncode == 0, f"{command} exited {done.returncode}: {done.stdout[-800:]} {done.stderr[-800:]}"
        assert "❌" not in done.stdout, f"{command} printed an error: {done.stdout[-800:]}"
        lines = done.stdout.splitlines()
        rule = next((i for i, line in enumerate(lines) if line.startswith("=" * 20)), None)
        assert rule is not None, f"{command} printed no JSON: {done.stdout[-800:]}"
        return json.loads("\n".join(lines[rule + 1:]))


def _value(p) -> str:
    if p.allowed:
        return p.default if p.default in p.allowed else p.allowed[0]
    if p.data_type == "DATE":
        return "2026-10-31" if "end" in p.name.lower() else "2026-10-01"
    if p.data_type in ("INTEGER", "LONG"):
        return "14"
    return p.default or "sample"


@pytest.fixture(scope="module")
def world_and_sdk(tmp_path_factory):
    with served(EmulatorOptions(seed=7, speed=SPEED)) as emu:
        world = emu.app.state.liveramp
        now = emu.app.state.clock.now()
        # a room the API user administers, with a READY question (run parameters only) that has a
        # completed run, and a flow
        for room in world.cleanrooms.values():
            if not room.api_admin or room_status(room, now) != "COMPLETE":
                continue
            flows = [f for f in world.flows.values() if f.room_id == room.id]
            for q in world.questions.values():
                runs = [world.runs[i] for i in world.runs_by_question.get(q.id, [])]
                done = [r for r in runs if run_state(r, now).status == "COMPLETED"]
                if (q.room_id == room.id and q.status == "READY" and done and flows
                        and all(p.partition is None for p in q.template.params)):
                    yield world, Sdk(emu.base_url, room.id, tmp_path_factory.mktemp("sdk")), q, done[0]
                    return
        pytest.fail("no room with a READY question, a completed run and a flow in the seeded world")


def test_sdk_cli_drives_the_emulator(world_and_sdk):
    world, sdk, question, done_run = world_and_sdk
    params = [f"{p.name}={_value(p)}" for p in question.template.params]
    q = ["--cleanroom-question-id", question.id]

    with ThreadPoolExecutor(max_workers=4) as pool:
        jobs = {
            "assets": pool.submit(sdk.run, "get-assets", "--print"),
            "questions": pool.submit(sdk.run, "get-cleanroom-questions"),
            "question": pool.submit(sdk.run, "get-cleanroom-question-by-id", *q),
            "base": pool.submit(sdk.run, "get-question", "--question-id", question.question.id),
            "parameters": pool.submit(sdk.run, "get-cleanroom-question-parameters", *q),
            "datasets": pool.submit(sdk.run, "get-cleanroom-question-datasets", *q),
            "runs": pool.submit(sdk.run, "get-cr-question-runs", *q),
            "run": pool.submit(sdk.run, "get-cr-question-run", "--cleanroom-question-run-id", done_run.id),
            "data": pool.submit(sdk.run, "get-cr-question-run-data", "--cleanroom-question-run-id", done_run.id),
            "created": pool.submit(sdk.run, "create-cr-question-run", *q, "--name", "sdk oracle run",
                                   *[a for p in params for a in ("--param", p)]),
            "create_poll": pool.submit(sdk.run, "create-and-poll-cr-question-run", *q, "--name", "sdk oracle poll",
                                       *[a for p in params for a in ("--param", p)]),
            "flows": pool.submit(sdk.run, "get-all-flows"),
        }
        out = {name: job.result() for name, job in jobs.items()}

    assert out["assets"]["questions"] or out["assets"]
    assert question.id in {item["id"] for item in out["questions"]}
    assert out["question"]["id"] == question.id
    assert out["base"]["questionDetails"]["title"] == question.title or out["base"]
    names = {p["Name"] for p in out["parameters"]["parameters"]}
    assert names == {p.name for p in question.template.params}
    assert {d["macro"] for d in out["datasets"]} == set(question.template.data_types)
    assert done_run.id in {r["id"] for r in out["runs"]}
    assert out["run"]["id"] == done_run.id and out["run"]["status"] == "COMPLETED"
    assert out["data"]["count"] > 0 and out["data"]["stats"] and out["data"]["metadata"]
    created_id = out["created"]["id"]
    assert out["created"]["status"] == "QUEUED"
    assert out["create_poll"]["status"] in TERMINAL

    flows = out["flows"]["cleanRoomFlows"]
    flow = next(f for f in flows if world.flows[f["ID"]].nodes)
    flow_id = flow["flowID"]  # what the SDK naturally uses
    with ThreadPoolExecutor(max_workers=4) as pool:
        jobs = {
            "poll": pool.submit(sdk.run, "poll-cr-question-run", "--cleanroom-question-run-id", created_id),
            "flow": pool.submit(sdk.run, "get-flow-by-id", "--flow-id", flow_id),
            "nodes": pool.submit(sdk.run, "get-flow-node-details", "--print", flow_id=flow_id),
            "decisions": pool.submit(sdk.run, "get-decision-config", "--flow-id", flow_id, "--print"),
            "run_params": pool.submit(sdk.run, "get-flow-run-parameters", flow_id=flow_id),
        }
        out = {name: job.result() for name, job in jobs.items()}
    assert out["poll"]["status"] in TERMINAL and out["poll"]["id"] == created_id
    assert out["flow"]["cleanRoomFlow"]["flowID"] == flow_id
    assert {n["nodeID"] for n in out["nodes"]["nodes"]} == {n.id for n in world.flows[flow["ID"]].nodes}
    assert "decisionNodes" in out["decisions"]
    node_params = {item["nodeId"]: {p["name"]: _value(_spec(world, item["nodeId"], p["name"]))
                                    for p in item["parameterMetadataList"]}
                   for item in out["run_params"]["flowRunParameters"]}
    assert node_params

    created = sdk.run("create-flow-run", flow_id=flow_id, flow_runs=[
        {"name": "sdk oracle flow run 1", "parameters": node_params},
        {"name": "sdk oracle flow run 2", "parameters": node_params}])
    run_ids = [r["id"] for r in created["creation_results"]]
    assert len(run_ids) == 2 and all(created["polling_results"][i]["status"] in TERMINAL for i in run_ids)

    first = run_ids[0]
    with ThreadPoolExecutor(max_workers=4) as pool:
        jobs = {
            "get": pool.submit(sdk.run, "get-flow-run", "--flow-run-id", first),
            "status": pool.submit(sdk.run, "get-flow-run-status", "--flow-run-id", first),
            "poll": pool.submit(sdk.run, "poll-flow-run", "--flow-run-id", first),
            "poll_many": pool.submit(sdk.run, "poll-multiple-flow-runs", "--flow-run-ids", *run_ids),
            # without an output format or folder it prints the nodes instead of saving them
            "outputs": pool.submit(sdk.run, "get-flow-run-output-nodes", "--flow-run-id", first,
                                   json_output=False, output_format="", output_location=""),
        }
        out = {name: job.result() for name, job in jobs.items()}
    assert out["get"]["id"] == first and out["get"]["status"] in TERMINAL
    assert out["status"]["status"] in TERMINAL
    assert out["poll"]["status"] == out["status"]["status"]
    assert set(out["poll_many"]) == set(run_ids)
    completed = [n for n in out["outputs"] if n["runStatus"] == "COMPLETED"]
    assert completed, out["outputs"]
    report = sdk.run("get-flow-run-report", "--flow-run-id", first, "--node-name", completed[0]["node"]["label"],
                     "--limit", "20")
    assert report["count"] > 0 and report["stats"]


def _spec(world, node_id: str, name: str):
    flow_node = next(n for f in world.flows.values() for n in f.nodes if n.id == node_id)
    return next(p for p in world.questions[flow_node.question_id].template.params if p.name == name)
