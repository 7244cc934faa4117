"""The InfoSum client against the emulator over real HTTP: every collaboration operation."""

from __future__ import annotations

import csv
import io
import logging

import pytest

from tui.api.http import ApiError
from tui.api.infosum import InfoSumClient
from tui.api.infosum import filters as f
from tui.api.infosum.models import MemberRights
from tui.config import Profile

from .conftest import infosum_profile

ALL_RIGHTS = MemberRights(contributor=True, detailed_logs=True, operator=True)


def client_for(emulator, env: str = "E2E_IS_KEY") -> InfoSumClient:
    return InfoSumClient(infosum_profile(emulator.base_url, env=env))


async def _company(client: InfoSumClient) -> str:
    return (await client.me()).company.id


async def _all(aiter) -> list:
    return [x async for x in aiter]


async def test_whoami_and_collaboration_listing_across_pages(emulator):
    async with client_for(emulator) as c:
        me = await c.me()
        assert me.company.display_name == "Northwind Retail"
        first = await c.list_collaborations(page=1, per_page=2)
        assert first.total_results >= 5 and len(first.items) == 2
        everything = await _all(c.iter_collaborations(per_page=2))
        assert len(everything) == first.total_results
        assert len({x.id for x in everything}) == len(everything)
        assert {x.status for x in everything} >= {"STATUS_ACTIVE", "STATUS_CLOSED"}
        by_name = await c.list_collaborations(order_by="name ASC", per_page=500)
        names = [x.name for x in by_name.items]
        assert names == sorted(names)
        closed = await c.list_collaborations(filter=f.eq("status", "STATUS_CLOSED"))
        assert closed.items and all(x.status == "STATUS_CLOSED" for x in closed.items)


async def test_create_add_remove_close_with_events(emulator):
    async with client_for(emulator) as owner, client_for(emulator, "E2E_IS_PARTNER1") as partner:
        partner_company = await _company(partner)
        cid = await owner.create_collaboration(
            "E2E measurement", [(partner_company, MemberRights(contributor=True))], ALL_RIGHTS,
            description="created by the e2e suite")
        assert cid.startswith("CLB.")
        collab = await owner.get_collaboration(cid)
        assert collab.status == "STATUS_ACTIVE"
        assert partner_company in {m.id for m in collab.members}
        datasets = (await owner.list_datasets(per_page=500)).items
        mine = datasets[0]
        await owner.add_dataset(cid, mine.dataset_id, "e2eset1", intersection_only=True,
                                attribute_restriction=True, allowed_attributes=["age"])
        collab = await owner.get_collaboration(cid)
        assert mine.dataset_id in {d.dataset_id for d in collab.datasets}
        destinations = (await owner.list_destination_instances(per_page=500)).items
        await owner.add_destination(cid, destinations[0].id)
        assert destinations[0].id in (await owner.get_collaboration(cid)).destination_ids
        await owner.remove_destination(cid, destinations[0].id)
        await owner.remove_dataset(cid, mine.dataset_id)
        # only the owner closes
        with pytest.raises(ApiError) as info:
            await partner.close_collaboration(cid)
        assert info.value.status == 403
        await owner.close_collaboration(cid)
        assert (await owner.get_collaboration(cid)).status == "STATUS_CLOSED"
        events = (await owner.list_events(cid, order_by="event_date_time ASC")).items
        types = [e.type for e in events]
        assert types[0] == "TYPE_COLLABORATION_CREATED"
        for t in ("TYPE_DATASET_ADDED", "TYPE_DESTINATION_ADDED", "TYPE_DESTINATION_REMOVED",
                  "TYPE_DATASET_REMOVED", "TYPE_COLLABORATION_CLOSED"):
            assert t in types


async def test_rights_rules_are_enforced(emulator):
    async with client_for(emulator) as owner:
        me = await _company(owner)
        collabs = await _all(owner.iter_collaborations())
        owned = [c for c in collabs if c.owner.id == me and c.status == "STATUS_ACTIVE"]
        assert owned
        # the owner cannot leave
        with pytest.raises(ApiError) as info:
            await owner.leave_collaboration(owned[0].id)
        assert info.value.status == 403 and info.value.message
    # a member without contributor rights cannot add a dataset; without detailed_logs no stats
    for env in ("E2E_IS_PARTNER1", "E2E_IS_PARTNER2"):
        async with client_for(emulator, env) as member:
            company = await _company(member)
            for summary in await _all(member.iter_collaborations()):
                collab = await member.get_collaboration(summary.id)
                rights = next((m.rights for m in collab.members if m.id == company), None)
                if rights is None or collab.status != "STATUS_ACTIVE":
                    continue
                if not rights.contributor:
                    datasets = (await member.list_datasets()).items
                    if datasets:
                        with pytest.raises(ApiError) as info:
                            await member.add_dataset(summary.id, datasets[0].dataset_id, "nope1")
                        assert info.value.status == 403
                if not rights.detailed_logs and collab.datasets:
                    with pytest.raises(ApiError) as info:
                        await member.summary_stats(summary.id, collab.datasets[0].dataset_id)
                    assert info.value.status == 403


async def test_left_company_sees_nothing(emulator):
    async with client_for(emulator, "E2E_IS_LEFT") as left, client_for(emulator) as owner:
        visible = {c.id for c in await _all(left.iter_collaborations())}
        left_company = await _company(left)
        owner_view = await _all(owner.iter_collaborations())
        left_from = []
        for c in owner_view:
            events = (await owner.list_events(c.id, filter=f.and_(
                f.eq("event_type", "TYPE_COLLABORATION_LEFT"), f.eq("company_id", left_company)))).items
            if events:
                left_from.append(c.id)
        assert left_from, "the demo world has a collaboration Litware Data left"
        for cid in left_from:
            assert cid not in visible
            with pytest.raises(ApiError) as info:
                await left.get_collaboration(cid)
            assert info.value.status in {403, 404}


async def test_stats_for_a_dataset(emulator):
    async with client_for(emulator) as c:
        for summary in await _all(c.iter_collaborations()):
            collab = await c.get_collaboration(summary.id)
            if collab.datasets:
                break
        did = collab.datasets[0].dataset_id
        summ = await c.summary_stats(collab.id, did)
        assert summ.total_rows > 0
        keys = await c.key_column_stats(collab.id, did)
        assert keys.stats and keys.stats[0].distinct_values >= 0
        attrs = await c.attribute_stats(collab.id, did)
        assert attrs.stats
        exports = await c.export_column_stats(collab.id, did)
        assert exports is not None


async def _busiest(c: InfoSumClient) -> str:
    best, most = None, -1
    for s in await _all(c.iter_collaborations()):
        page = await c.list_events(s.id, per_page=1)
        if page.total_results > most:
            best, most = s.id, page.total_results
    return best


async def test_events_paging_filters_ordering_and_csv_round_trip(emulator, tmp_path):
    async with client_for(emulator) as c:
        cid = await _busiest(c)
        newest = await c.list_events(cid, per_page=500)
        assert newest.total_results >= 1000
        times = [e.event_date_time for e in newest.items]
        assert times == sorted(times, reverse=True)
        oldest = await c.list_events(cid, per_page=50, order_by="event_date_time ASC")
        assert [e.event_date_time for e in oldest.items] == sorted(e.event_date_time for e in oldest.items)
        page2 = await c.list_events(cid, page=2, per_page=500)
        assert not {(e.event_date_time, e.message) for e in page2.items} & {
            (e.event_date_time, e.message) for e in newest.items}
        company = newest.items[0].company_id
        flt = f.and_(f.eq("company_id", company), f.or_(f.eq("event_type", "TYPE_DATASET_ADDED"),
                                                          f.eq("event_type", "TYPE_DATASET_REMOVED")))
        filtered = await _all(c.iter_events(cid, filter=flt))
        assert filtered
        assert all(e.company_id == company and e.type in {"TYPE_DATASET_ADDED", "TYPE_DATASET_REMOVED"}
                   for e in filtered)
        progress: list[int] = []
        out = tmp_path / "events.csv"
        written = await c.export_events(cid, out, filter=flt, on_progress=progress.append)
        assert written == out.stat().st_size and progress
        rows = list(csv.DictReader(io.StringIO(out.read_text())))
        assert len(rows) == len(filtered)
        assert [r["message"] for r in rows] == [e.message for e in filtered]
        assert [r["type"] for r in rows] == [e.type for e in filtered]


async def test_bad_filter_unknown_collaboration_and_missing_key(emulator, monkeypatch):
    async with client_for(emulator) as c:
        cid = (await c.list_collaborations(per_page=1)).items[0].id
        with pytest.raises(ApiError) as info:
            await c.list_events(cid, filter="evnt_type eq 'X'")
        assert info.value.status == 400 and "evnt_type" in info.value.message
        with pytest.raises(ApiError) as info:
            await c.list_events(cid, filter="event_type eq 'unterminated")
        assert info.value.status == 400
        with pytest.raises(ApiError) as info:
            await c.get_collaboration("CLB.doesnotexist")
        assert info.value.status == 404 and info.value.request_id
    monkeypatch.setenv("E2E_BAD_KEY", "no-such-key")
    async with InfoSumClient(Profile(name="bad", platform="infosum", base_url=emulator.base_url,
                                     secret_env="E2E_BAD_KEY")) as bad:
        with pytest.raises(ApiError) as info:
            await bad.me()
        assert info.value.status == 401


@pytest.mark.parametrize("variant", ["v1", "insights"])
async def test_insight_query_from_creation_to_results(emulator, clock, variant):
    async with InfoSumClient(infosum_profile(emulator.base_url), query_api=variant) as c:
        me = await _company(c)
        for s in await _all(c.iter_collaborations()):
            collab = await c.get_collaboration(s.id)
            mine = next((m for m in [collab.owner, *collab.members] if m.id == me), None)
            if collab.status == "STATUS_ACTIVE" and collab.datasets and mine and mine.rights.operator:
                break
        name = collab.datasets[0].collaboration_dataset_name
        status = await c.create_query(f"SELECT COUNT() FROM {name}", collaboration_id=collab.id)
        assert status.query_id and not status.done
        for _ in range(30):
            clock.advance(seconds=30)
            status = await c.query_status(status.query_id)
            if status.done:
                break
        assert status.done
        result = await c.query_result(status.query_id)
        assert result.rows()


async def test_key_never_logged(emulator, caplog):
    caplog.set_level(logging.DEBUG)
    async with client_for(emulator) as c:
        await c.me()
        text = repr(c) + caplog.text
    assert "demo-key" not in text


async def test_missing_key_is_a_clear_error_not_a_crash(emulator, monkeypatch):
    from tui.config import ConfigError

    monkeypatch.delenv("E2E_UNSET_KEY", raising=False)
    profile = Profile(name="nokey", platform="infosum", base_url=emulator.base_url, secret_env="E2E_UNSET_KEY")
    with pytest.raises((ConfigError, ApiError)) as info:
        async with InfoSumClient(profile) as c:
            await c.me()
    assert "E2E_UNSET_KEY" in str(info.value)
