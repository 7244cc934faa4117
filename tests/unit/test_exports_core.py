"""The export and activation domain pieces (issue 20.3): the parameter form's checks, which pairs the
collaboration's rights allow, and a lost create answer settled by listing, never by sending again."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from tui.api.http import ApiError
from tui.core import activations as acts
from tui.core import exports as ex


@pytest.mark.parametrize(("text", "params", "problem"), [
    ("", [], None),
    ("S3_EXPORT_PATH=s3://b/p/; GCS_EXPORT_PATH = gs://x ",
     [{"name": "S3_EXPORT_PATH", "value": "s3://b/p/"}, {"name": "GCS_EXPORT_PATH", "value": "gs://x"}], None),
    ("path", [], "NAME=value"),
    ("s3 path=x", [], "upper-case"),
    ("S3_EXPORT_PATH=", [], "empty"),
    ("A=1;A=2", [], "twice"),
    ("A=\x1b[31m", [], "control"),
])
def test_parse_parameters(text, params, problem):
    got, why = ex.parse_parameters(text)
    assert got == params
    assert (why is None) if problem is None else (problem in why)


def _collab(status="STATUS_ACTIVE", operator=True):
    rights = NS(operator=operator)
    perm = NS(dataset_id="D1", collaboration_dataset_name="ids", activation_allowed=True, exportable_to_members=["B"])
    return NS(status=status, datasets=[perm], activation_datasets=[], rights_of=lambda company: rights)


def test_pairs_follow_the_collaborations_rights():
    theirs, ours = NS(id="DST.1", owner_id="B", name="B seat"), NS(id="DST.2", owner_id="A", name="A seat")
    pairs = acts.pairs(_collab(), [theirs, ours], "A")
    assert [(p.destination.id, p.why_not is None) for p in pairs] == [("DST.1", True), ("DST.2", False)]
    assert "exportable_to_members" in pairs[1].why_not
    assert all("operator" in p.why_not for p in acts.pairs(_collab(operator=False), [theirs], "A"))
    assert all("not active" in p.why_not for p in acts.pairs(_collab("STATUS_CLOSED"), [theirs], "A"))
    assert acts.check("spring", "SELECT ids.ID FROM ids", "spring.csv") is None
    assert "file name" in acts.check("spring", "SELECT 1", "../x.csv")


class _Client:
    """A client whose create reaches the platform and loses the answer (or is refused)."""

    def __init__(self, fail_with):
        self.jobs = [self._job("old", "Q", "A1")]
        self.posts = 0
        self.fail_with = fail_with

    @staticmethod
    def _job(job_id, question, account):
        return NS(id=job_id, question_id=question, partner_account=NS(id=account), time_audit=None)

    async def list_export_jobs(self, room_id):
        return list(self.jobs)

    async def create_export_job(self, room_id, question_id, accounts, params):
        self.posts += 1
        if self.fail_with.status is None or self.fail_with.status >= 500:  # the platform acted
            self.jobs.append(self._job("new", question_id, accounts[0]))
        raise self.fail_with


def _session():
    return NS(repo=NS(store=None), name="p", platform="liveramp", now=lambda: None)


async def test_a_lost_create_is_found_by_listing_and_not_sent_again():
    lost = ApiError(message="connection dropped", code="NETWORK", path="/cleanrooms/R/exports/jobs")
    client = _Client(lost)
    write = ex.create_job("R", NS(id="Q"), [NS(partner_account=NS(id="A1"))], [])
    created = await write.write(_session()).call(client)
    assert created.job_ids == ["new"] and created.recovered and client.posts == 1


async def test_a_refused_create_is_said_and_a_5xx_with_nothing_made_is_safe_to_send_again():
    refused = ApiError(message="bad", status=400, path="/cleanrooms/R/exports/jobs")
    client = _Client(refused)
    write = ex.create_job("R", NS(id="Q"), [NS(partner_account=NS(id="A1"))], [])
    with pytest.raises(ApiError):
        await write.write(_session()).call(client)
    assert client.posts == 1 and len(client.jobs) == 1

    gateway = ApiError(message="bad gateway", status=502, path="/cleanrooms/R/exports/jobs")
    client = _Client(gateway)
    client.create_export_job = _refuse_without_acting(client)
    with pytest.raises(ex.ExportNotCreated):
        await write.write(_session()).call(client)
    assert client.posts == 1


def _refuse_without_acting(client):
    async def create(room_id, question_id, accounts, params):
        client.posts += 1
        raise client.fail_with
    return create


async def test_a_lost_activation_answer_is_unknown_not_failed():
    class Client:
        posts = 0

        async def create_activation(self, query, campaign, cid):
            Client.posts += 1
            raise ApiError(message="connection dropped", code="NETWORK", path="/api/v1/activations")

    with pytest.raises(ex.ExportUnknown) as unknown:
        await acts.create("CLB.1", "spring", "SELECT ids.ID FROM ids").write(_session()).call(Client())
    assert "look before sending it again" in str(unknown.value) and Client.posts == 1
