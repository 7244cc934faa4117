"""A lost create-run answer when the platform's clock is not ours (issue: clock skew).

The platform dates runs on its own clock and filters the reconciling listing (``startDate``) on it.
With its clock days behind ours, a window taken from our clock would miss the run and say "safe to
launch again" — the one unsafe answer. The emulator's clock runs behind ours here; it answers with a
``Date`` header on its clock, as a real server does, and the launcher must find the run anyway.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.helpers import DropAnswer, fill, ready_questions
from tui.api.liveramp import LiveRampClient
from tui.core.launch import Launcher, LaunchUnknown
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.server import served
from tui.store import Store

from .conftest import liveramp_profile

pytestmark = pytest.mark.usefixtures("state_dir")

PLATFORM_T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class NoDateHeader(httpx.AsyncBaseTransport):
    """A gateway that strips ``Date``: the platform's clock cannot be learnt."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        del response.headers["date"]
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def platform_clock() -> ManualClock:
    return ManualClock(PLATFORM_T0)


@pytest.fixture
def skewed(platform_clock):
    with served(EmulatorOptions(seed=7, clock=platform_clock)) as emu:
        yield emu


@pytest.mark.parametrize("behind_days", [3, 0, -2])  # ours ahead by 3 days, in step, behind by 2
@pytest.mark.parametrize("date_header", [True, False], ids=["date-header", "no-date-header"])
async def test_a_lost_answer_is_found_whatever_the_platforms_clock(skewed, platform_clock, behind_days, date_header):
    ours = ManualClock(PLATFORM_T0 + timedelta(days=behind_days))
    profile = liveramp_profile(skewed.base_url)
    inner = httpx.AsyncHTTPTransport()
    drop = DropAnswer(inner if date_header else NoDateHeader(inner))
    store = Store.in_memory(now=ours.now)
    async with LiveRampClient(profile, transport=drop, now=ours.now) as client:
        launcher = Launcher(client, store, now=ours.now)
        question = (await ready_questions(client))[0]
        form = fill(await launcher.prepare_launch(question.id, now=platform_clock.now()))
        if date_header:
            assert client.server_clock_offset == timedelta(days=-behind_days)
        else:
            assert client.server_clock_offset is None
        world = skewed.liveramp
        before = set(world.runs_by_question.get(question.id, []))
        drop.arm("/create-run")
        outcome = await launcher.launch_form(form)
        [new] = set(world.runs_by_question[question.id]) - before
        assert outcome.recovered and outcome.object_id == new  # found, not "safe to launch again"
        assert world.runs[new].submitted_at.date() == PLATFORM_T0.date()  # dated on the platform's clock
        listed = [k for k in client.calls if k.startswith(f"GET /v1/cleanroom-questions/{question.id}/")]
        assert listed and client.calls[f"POST /v1/cleanroom-questions/{question.id}/create-run"] == 1


async def test_without_the_fix_the_window_would_have_missed_it(skewed, platform_clock):
    """The premise: our clock's window (intent − 1 day) lists nothing when the platform is 3 days behind."""
    ours = ManualClock(PLATFORM_T0 + timedelta(days=3))
    async with LiveRampClient(liveramp_profile(skewed.base_url), now=ours.now) as client:
        question = (await ready_questions(client))[0]
        naive = await client.list_runs(question.id, start_date=(ours.now() - timedelta(days=1)).date(), limit=100)
        aware = await client.list_runs(question.id, start_date=Launcher(client, now=ours.now)
                                       ._platform_day_before(ours.now()), limit=100)
        assert naive == [] and aware  # the history is there, on the platform's dates


async def test_more_runs_than_the_check_may_list_is_unknown_not_safe(skewed, platform_clock, monkeypatch):
    import tui.core.launch as launch

    monkeypatch.setattr(launch, "RECONCILE_PAGE", 2)  # a question whose history outgrows the listing
    monkeypatch.setattr(launch, "RECONCILE_PAGES", 1)
    profile = liveramp_profile(skewed.base_url)
    drop = DropAnswer(NoDateHeader(httpx.AsyncHTTPTransport()))
    store = Store.in_memory(now=platform_clock.now)
    async with LiveRampClient(profile, transport=drop, now=platform_clock.now) as client:
        launcher = Launcher(client, store, now=platform_clock.now)
        question = (await ready_questions(client))[0]
        assert len(await client.list_runs(question.id, limit=100)) > 3
        form = fill(await launcher.prepare_launch(question.id, now=platform_clock.now()))
        drop.arm("/create-run")

        async def listing_without_the_new_run(question_id, **kwargs):  # the new run on a page not read
            every = await original(question_id, start_date=kwargs.get("start_date"), limit=100)
            return [r for r in every if r.name != form.name][:kwargs["limit"]]

        original = client.list_runs
        client.list_runs = listing_without_the_new_run
        with pytest.raises(LaunchUnknown, match="do not launch again"):
            await launcher.launch_form(form)
        [entry] = store.journal_unresolved(profile.name)
        assert entry.state == "lost"
