"""The emulator runs schedules on its clock (issue 20.2): a scheduled run appears when it is due."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.app import create_app


async def _client(clock):
    app = create_app(EmulatorOptions(seed=7, clock=clock))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emu")
    token = (await client.post("/v1/oauth/token", data={"grant_type": "client_credentials"},
                               auth=("demo-client", "demo-secret"))).json()["accessToken"]
    client.headers["Authorization"] = f"Bearer {token}"
    return app, client


async def test_a_new_daily_schedule_starts_a_run_when_due_and_not_when_paused():
    clock = ManualClock()
    app, client = await _client(clock)
    world = app.state.liveramp
    q = next(q for q in world.questions.values() if q.template.title == "Campaign Reach and Frequency")
    path = f"/v1/cleanroom-questions/{q.id}/cleanroom-question-run-schedules"
    start = (clock.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {"name": "Hourly test", "repeatFrequency": "DAILY", "startSchedule": start,
            "parameters": [{"name": "start_date", "value": "2026-10-01", "parameterType": "RUN_PARAMETER"},
                           {"name": "exposures.date_start", "value": "-7", "parameterType": "PARTITION_PARAMETER",
                            "dateType": "RELATIVE", "dateQualifier": "DAYS", "dataType": "DATE"}]}
    created = await client.post(path, json=body)
    assert created.status_code == 200, created.text
    sid = created.json()["id"]

    async def scheduled():
        runs = (await client.get(f"/v1/cleanroom-questions/{q.id}/cleanroom-question-runs", params={"limit": 100})).json()
        return [r for r in runs if r["name"].startswith("Scheduled: ") and r["parameters"].get("start_date") == "2026-10-01"]

    assert await scheduled() == []  # not due yet
    clock.advance(hours=1, minutes=1)
    first = await scheduled()
    assert len(first) == 1 and first[0]["parameters"]["start_date"] == "2026-10-01"
    part = first[0]["partitionParameters"][0]
    assert part["name"] == "exposures.date_start"
    assert part["value"] == (clock.now().date() - timedelta(days=7)).isoformat()
    assert len(await scheduled()) == 1  # looked at again: not run twice
    # paused: the next day's run does not start
    assert (await client.patch(f"{path}/{sid}", json={"active": False})).status_code == 200
    clock.advance(days=1)
    token = (await client.post("/v1/oauth/token", data={"grant_type": "client_credentials"},
                               auth=("demo-client", "demo-secret"))).json()["accessToken"]  # 12 h tokens
    client.headers["Authorization"] = f"Bearer {token}"
    runs = (await client.get(f"/v1/cleanroom-questions/{q.id}/cleanroom-question-runs", params={"limit": 100})).json()
    mine = [r for r in runs if r["name"].startswith("Sched") and r["parameters"].get("start_date") == "2026-10-01"]
    assert len(mine) == 1, "paused: no second run"
    # the seeded active daily schedule of the same question ran meanwhile (at its 06:00)
    assert any(r["name"] == f"Scheduled: Campaign Reach and Frequency {clock.now().date().isoformat()}"
               and r["parameters"].get("start_date") != "2026-10-01" for r in runs)
    await client.aclose()
