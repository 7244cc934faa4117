"""The LiveRamp client against the emulator over real HTTP: the whole operator workflow."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from tui.api.http import ApiError
from tui.api.liveramp import LiveRampClient

from .conftest import liveramp_profile

pytestmark = pytest.mark.usefixtures("state_dir")


def run_parameters(params) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Valid values for a question's typed parameters, as an operator would fill the form."""
    values: dict[str, str] = {}
    partitions: list[dict[str, str]] = []
    for p in params.parameters:
        kind = (p.data_type or "").upper()
        if p.allowed_values:
            value = p.default_value or p.allowed_values[0]
        elif "DATE" in kind:
            value = "2026-10-01" if "end" not in p.name.lower() else "2026-10-31"
        elif kind in {"INTEGER", "INT", "LONG", "BIGINT", "NUMBER", "DECIMAL", "DOUBLE"}:
            value = "14"
        else:
            value = p.default_value or p.example_value or "sample"
        if (p.parameter_type or "").upper().startswith("PARTITION"):
            partitions.append({"name": p.name, "value": value})
        else:
            values[p.name] = value
    return values, partitions


async def _ready_question(client: LiveRampClient):
    for room in await client.list_cleanrooms():
        if room.status != "COMPLETE":
            continue  # expired or pending rooms take no new runs
        try:
            questions = await client.list_cleanroom_questions(room.id)
        except ApiError:
            continue  # a room this API user is not admin in (403)
        for q in questions:
            if q.status == "READY":
                return room, q
    raise AssertionError("no READY question in the demo world")


async def test_operator_workflow_end_to_end(emulator, clock):
    client = LiveRampClient(liveramp_profile(emulator.base_url))
    async with client:
        health = await client.health()
        assert health.status == "UP"
        rooms = await client.list_cleanrooms()
        assert len(rooms) >= 5
        assert all(r.display_id.startswith("CR-") for r in rooms)
        room, question = await _ready_question(client)
        assert question.display_id.startswith("CRQ-")
        params = await client.question_parameters(question.id)
        assert params.parameters, "questions carry typed run-time parameters"
        values, partitions = run_parameters(params)
        run = await client.create_run(question.id, "e2e nightly check", values,
                                      partition_parameters=partitions or None)
        assert run.id and run.status == "QUEUED"
        seen = [run.status]
        for _ in range(48):
            clock.advance(minutes=5)
            current = await client.get_run(run.id)
            if current.status != seen[-1]:
                seen.append(current.status)
            if current.status in {"COMPLETED", "FAILED"}:
                break
        assert seen[0] == "QUEUED" and "RUNNING" in seen
        assert seen[-1] in {"COMPLETED", "FAILED"}
        listed = await client.list_runs(question.id, limit=100)
        assert run.id in {r.id for r in listed}
        if seen[-1] == "COMPLETED":
            await _check_results(client, run.id)
        audit = await client.run_audit(run.id)
        assert len(audit.audit_details) >= 2
        assert client.token_requests == 1


async def _check_results(client: LiveRampClient, run_id: str) -> None:
    total = await client.run_data_count(run_id)
    assert total > 0
    first = await client.run_data(run_id, limit=10, offset=0)
    assert first.metadata and len(first.stats) == min(10, total)
    rows = 0
    offset = 0
    while offset < total:
        page = await client.run_data(run_id, limit=500, offset=offset)
        rows += len(page.stats)
        offset += 500
        if not page.stats:
            break
    assert rows == total


async def test_completed_seeded_run_has_paged_results(emulator):
    async with LiveRampClient(liveramp_profile(emulator.base_url)) as client:
        room, question = await _ready_question(client)
        done = [r for r in await client.list_runs(question.id, status="COMPLETED", limit=100)]
        assert done, "seeded history has completed runs"
        assert all(r.status == "COMPLETED" for r in done)
        await _check_results(client, done[0].id)


async def test_failed_run_surfaces_its_reason(emulator):
    async with LiveRampClient(liveramp_profile(emulator.base_url)) as client:
        failed = []
        for room in await client.list_cleanrooms():
            try:
                questions = await client.list_cleanroom_questions(room.id)
            except ApiError:
                continue
            for q in questions:
                failed += await client.list_runs(q.id, status="FAILED", limit=100)
            if failed:
                break
        assert failed, "seeded history has failed runs"
        run = await client.get_run(failed[0].id)
        assert run.status == "FAILED"
        assert run.failure_reason or run.run_message
        assert run.is_retryable is not None


async def test_question_not_ready_gives_412(emulator):
    async with LiveRampClient(liveramp_profile(emulator.base_url)) as client:
        for room in await client.list_cleanrooms():
            try:
                questions = await client.list_cleanroom_questions(room.id)
            except ApiError:
                continue
            missing = [q for q in questions if q.status == "MISSING_DATASETS"]
            if missing:
                break
        else:
            pytest.fail("no MISSING_DATASETS question in the demo world")
        with pytest.raises(ApiError) as info:
            await client.create_run(missing[0].id, "should not run", {})
        assert info.value.status in {400, 412}
        assert info.value.message


async def test_flow_run_lifecycle(emulator, clock):
    async with LiveRampClient(liveramp_profile(emulator.base_url)) as client:
        for room in await client.list_cleanrooms():
            try:
                flows = await client.list_flows(room.id)
            except ApiError:
                continue
            if flows.clean_room_flows:
                break
        else:
            pytest.fail("no flows in the demo world")
        flow = flows.clean_room_flows[0]
        flow_id = flow.id
        params = await client.flow_run_parameters(room.id, flow_id)
        nodes = []
        for node in params.flow_run_parameters:
            values = {}
            for p in node.parameter_metadata_list:
                t = (p.field_type or "").upper()
                values[p.name] = "2026-10-01" if t in {"DATE", "TIMESTAMP"} else (
                    "14" if t in {"INTEGER", "BIGINT", "LONG"} else "ALL")
            nodes.append({"nodeIdentifier": node.node_id, "parameters": values})
        run = await client.create_flow_run(room.id, flow_id, "e2e flow run", nodes)
        status = run.status
        for _ in range(60):
            clock.advance(minutes=10)
            status = await client.flow_run_status(room.id, run.id)
            if status in {"COMPLETED", "FAILED"}:
                break
        assert status in {"COMPLETED", "FAILED"}
        outputs = await client.flow_run_output_nodes(room.id, run.id)
        assert outputs
        if status == "COMPLETED":
            report = await client.flow_run_report(room.id, run.id, outputs[0].node.id, limit=50)
            assert report.metadata


async def test_strict_limits_give_clear_429s(strict_emulator, clock):
    async with LiveRampClient(liveramp_profile(strict_emulator.base_url)) as client:
        room, question = await _ready_question(client)
        values, partitions = run_parameters(await client.question_parameters(question.id))
        created = 0
        with pytest.raises(ApiError) as info:
            for i in range(25):
                await client.create_run(question.id, f"burst {i}", values,
                                        partition_parameters=partitions or None)
                created += 1
        assert created == 20
        assert info.value.status == 429
        assert info.value.hint.startswith("Rate limit")
        assert "429" in str(info.value)
        # status reads: at most 20 per object per hour
        run_id = (await client.list_runs(question.id, limit=1))[0].id
        with pytest.raises(ApiError) as info2:
            for _ in range(25):
                await client.get_run(run_id)
        assert info2.value.status == 429


def test_second_process_reuses_cached_token(emulator, state_dir):
    script = (
        "import asyncio, sys\n"
        "from tui.api.liveramp import LiveRampClient\n"
        "from tui.config import Profile\n"
        "p = Profile(name='emu-lr', platform='liveramp', base_url=sys.argv[1], client_id='demo-client',"
        " secret_env='E2E_LR_SECRET')\n"
        "async def main():\n"
        "    async with LiveRampClient(p) as c:\n"
        "        await c.list_cleanrooms()\n"
        "        print(c.token_requests)\n"
        "asyncio.run(main())\n"
    )
    env = dict(os.environ)
    out1 = subprocess.run([sys.executable, "-c", script, emulator.base_url], env=env,
                          capture_output=True, text=True, timeout=60)
    assert out1.returncode == 0, out1.stderr
    out2 = subprocess.run([sys.executable, "-c", script, emulator.base_url], env=env,
                          capture_output=True, text=True, timeout=60)
    assert out2.returncode == 0, out2.stderr
    assert out1.stdout.strip() == "1" and out2.stdout.strip() == "0"
    assert emulator.liveramp.token_requests == 1
    files = list((state_dir / "tokens").glob("*.json"))
    assert files and all(oct(f.stat().st_mode & 0o777) == "0o600" for f in files)
    assert all("demo-secret" not in f.read_text() for f in files)


async def test_no_secret_in_logs_errors_or_reprs(emulator, caplog):
    caplog.set_level(logging.DEBUG)
    client = LiveRampClient(liveramp_profile(emulator.base_url))
    async with client:
        await client.list_cleanrooms()
        try:
            await client.get_run("00000000-0000-0000-0000-000000000000")
        except ApiError as exc:
            texts = [str(exc), repr(exc)]
        token = json.loads(next((client_state_dir() / "tokens").glob("*.json")).read_text())["accessToken"]
    texts += [repr(client), caplog.text]
    for text in texts:
        assert "demo-secret" not in text
        assert token not in text


def client_state_dir():
    from tui.config import state_dir

    return state_dir()
