"""Export jobs, flow-node exports and InfoSum activation pushes over real HTTP (issue 20.3): the
client's paths, bodies and models against the emulator's, and the jobs' runs on the emulator clock."""

from __future__ import annotations

import json

import pytest

from tests.helpers import profile_file
from tui.api.http import ApiError
from tui.api.infosum import InfoSumClient
from tui.api.liveramp import LiveRampClient
from tui.cli import main

from .conftest import infosum_profile, liveramp_profile

pytestmark = pytest.mark.usefixtures("state_dir")
ROOM = "Northwind × Contoso Media Measurement"


def _room(world):
    return world.find_room(ROOM)


def _account(world, name):
    return next(a for a in world.partner_accounts.values() if a.name == name)


async def test_create_watch_pause_and_resume_an_export_job(emulator, clock):
    world = emulator.liveramp
    room = _room(world)
    q = next(q for q in world.questions.values() if q.room_id == room.id and q.title == "Large Audience Export")
    gcs_or_s3 = _account(world, "Northwind S3 exports")
    # the client's clock is the emulator's: weeks pass here, and tokens expire and are counted in its time
    async with LiveRampClient(liveramp_profile(emulator.base_url), now=clock.now) as client:
        dests = await client.list_cleanroom_destinations(room.id)
        assert {d.partner_account.name: d.channel_status for d in dests.partner_accounts}[gcs_or_s3.name] == "ACTIVE_CHANNEL"
        (job_id,) = await client.create_export_job(room.id, q.id, [gcs_or_s3.id],
                                                   [{"name": "S3_EXPORT_PATH", "value": "s3://nw/x/"}])
        job = next(j for j in await client.list_export_jobs(room.id) if j.id == job_id)
        assert job.status == "ACTIVE" and job.partner_account.id == gcs_or_s3.id and job.question_id == q.id
        runs = await client.export_job_runs(job_id)
        assert [r.status for r in runs.runs()] == ["QUEUED"]  # the first run starts at once
        assert runs.export_detail_parameters == [{"name": "S3_EXPORT_PATH", "value": "s3://nw/x/"}]
        clock.advance(10 * 60)
        assert [r.status for r in (await client.export_job_runs(job_id)).runs()] == ["PROCESSING"]
        clock.advance(60 * 60)
        (done,) = (await client.export_job_runs(job_id)).runs()
        assert done.status in {"COMPLETE", "FAILED", "PARTIALLY_FAILED"} and done.end_time is not None
        assert (await client.set_export_job_status(job_id, "PAUSED")).success is True
        clock.advance(8 * 24 * 3600)  # a week passes while paused: no new run
        assert len((await client.export_job_runs(job_id)).runs()) == 1
        await client.set_export_job_status(job_id, "ACTIVE")
        clock.advance(7 * 24 * 3600)
        assert len((await client.export_job_runs(job_id)).runs()) == 2
        # a pending channel cannot receive exports: the platform says so (400), nothing is created
        pending = _account(world, "Contoso Pinterest")
        with pytest.raises(ApiError) as refused:
            await client.create_export_job(room.id, q.id, [pending.id])
        assert refused.value.status == 400 and "PENDING_CHANNEL" in refused.value.message
        with pytest.raises(ApiError) as bad:
            await client.set_export_job_status(job_id, "STOPPED")
        assert bad.value.status == 400


async def test_a_failed_run_carries_its_error_message(emulator):
    world = emulator.liveramp
    room = _room(world)
    async with LiveRampClient(liveramp_profile(emulator.base_url)) as client:
        job = next(j for j in await client.list_export_jobs(room.id) if j.status == "ACTIVE")
        failed = [r for r in (await client.export_job_runs(job.id)).runs() if r.status == "FAILED"]
    assert failed and all(r.error_message for r in failed) and failed[0].total_records


async def test_flow_node_exports_create_list_pause_and_runs(emulator):
    world = emulator.liveramp
    room = _room(world)
    flow = next(f for f in world.flows.values() if f.room_id == room.id)
    node = flow.nodes[0]
    account = _account(world, "Northwind TTD seat")
    async with LiveRampClient(liveramp_profile(emulator.base_url)) as client:
        (made,) = await client.create_node_exports(room.id, flow.id, [
            {"nodeId": node.id, "partnerAccountIds": [account.id], "exportParameters": []}])
        assert made.node_id == node.id and len(made.job_ids) == 1
        (listed,) = await client.list_node_exports(room.id, flow.id, [node.id])
        assert made.job_ids[0] in {j.id for j in listed.jobs}
        (status,) = await client.set_node_exports_status(room.id, flow.id, [node.id], "PAUSED")
        assert status.success is True and world.export_jobs[made.job_ids[0]].status == "PAUSED"
        (runs,) = await client.node_export_runs(room.id, flow.id, [node.id])
        assert runs.node_id == node.id and any(r.job_id == made.job_ids[0] for r in runs.job_runs)


async def test_activation_push_over_http(emulator, clock):
    inf = emulator.infosum
    collab = next(c for c in inf.collaborations.values() if c.name == "Retail Media Measurement 2026")
    seat = next(d for d in inf.destinations.values() if d.name == "The Trade Desk - Contoso Seat")
    own = next(d for d in inf.destinations.values() if d.name == "Google Ads - UK Prospecting")
    async with InfoSumClient(infosum_profile(emulator.base_url)) as client:
        created = await client.create_activation("SELECT nwactivation.ID FROM nwactivation", "spring", collab.id)
        with pytest.raises(ApiError) as early:  # not completed yet
            await client.push_activation(created.activation_id, seat.id, {"filename": "spring.csv"})
        assert early.value.status == 400
        clock.advance(600)
        activation = await client.get_activation(created.activation_id)
        assert activation.done and activation.summary.query_successful and activation.summary.total_rows > 0
        with pytest.raises(ApiError) as denied:  # the dataset may go to Contoso's destinations only
            await client.push_activation(created.activation_id, own.id, {"filename": "spring.csv"})
        assert denied.value.status == 403
        pushed = await client.push_activation(created.activation_id, seat.id, {"filename": "spring.csv"})
        (push,) = (await client.get_activation(created.activation_id)).pushes
        assert push.push_id == pushed.push_id and push.status == "PUSH_PENDING"
        clock.advance(120)
        (push,) = (await client.get_activation(created.activation_id)).pushes
        assert push.status == "PUSH_COMPLETED" and push.completed_at is not None


def test_headless_exports_lists_jobs_with_their_latest_run(emulator, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(profile_file(tmp_path / "config.toml", emulator.base_url)))
    monkeypatch.setenv("HL_LR_SECRET", "demo-secret")
    world = emulator.liveramp
    room = _room(world)
    assert main(["exports", "--profile", "emu-lr", "--json", "--room", room.display_id]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {j["id"] for j in listed} == {j.id for j in world.export_jobs.values() if j.room_id == room.id}
    assert all(j["cleanroomDisplayId"] == room.display_id and j["latestRun"]["status"] for j in listed)
    assert main(["exports", "--profile", "emu-lr"]) == 0
    out = capsys.readouterr().out
    assert "LAST RUN" in out and all(j.name[:20] in out for j in world.export_jobs.values() if j.room_id == room.id)
