"""The emulator's fault injection (tui/emulator/chaos.py): grammar, each fault in-process and over
real HTTP, determinism, and the hostile-strings seeding (tui/emulator/hostile.py)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.app import create_app
from tui.emulator.chaos import Chaos, ChaosSpecError, parse_spec
from tui.emulator.hostile import CORPUS_FILE, corpus
from tui.emulator.server import served

KEY = {"Authorization": "demo-key"}
COLLABS = "/api/v2/collaborations"


def test_grammar_round_trip_and_options():
    rules = parse_spec("POST /v1/cleanroom-questions/*/create-question-run=drop-after,times=1;"
                       "GET /api/*=latency:250ms,p=0.5;*=429:3,after=2;/v1/*=drip:1s")
    assert [(r.method, r.pattern, r.fault) for r in rules] == [
        ("POST", "/v1/cleanroom-questions/*/create-question-run", "drop-after"),
        ("GET", "/api/*", "latency"), ("*", "*", "429"), ("*", "/v1/*", "drip")]
    assert rules[0].times == 1 and rules[1].seconds == 0.25 and rules[1].p == 0.5
    assert rules[2].seconds == 3 and rules[2].after == 2 and rules[3].seconds == 1
    assert parse_spec(";".join(r.describe() for r in rules))[2].describe() == rules[2].describe()
    assert parse_spec(None) == [] and parse_spec("") == []


@pytest.mark.parametrize("spec", ["nonsense", "/v1/*=teapot", "FETCH /v1=500", "/v1/*=latency",
                                  "/v1/*=500,p=2", "/v1/*=500,color=red", "/v1/*=drop-after:3"])
def test_bad_specs_say_what_is_wrong(spec):
    with pytest.raises(ChaosSpecError):
        parse_spec(spec)


def test_a_bad_spec_leaves_the_rules_unchanged():
    chaos = Chaos().set("/v1/*=500")
    with pytest.raises(ChaosSpecError):
        chaos.set("/v1/*=oops")
    assert chaos.describe() == "/v1/*=500"


def test_probability_is_deterministic_with_the_seed():
    def pattern(seed: int) -> list[bool]:
        chaos = Chaos(seed=seed).set("*=500,p=0.3")
        return [chaos.decide("GET", "/x")[1] is not None for _ in range(200)]

    assert pattern(7) == pattern(7)
    assert pattern(7) != pattern(8)
    assert 30 < sum(pattern(7)) < 90


def test_times_and_after_count_matching_calls_only():
    chaos = Chaos().set("GET /api/*=503,after=1,times=2")
    fired = [chaos.decide(m, p)[1] is not None
             for m, p in [("GET", "/api/a"), ("POST", "/api/a"), ("GET", "/v1/a"), ("GET", "/api/b"),
                          ("GET", "/api/c"), ("GET", "/api/d")]]
    assert fired == [False, False, False, True, True, False]
    assert chaos.count("503") == 2


def test_latency_rules_add_up_and_do_not_block_a_fault():
    chaos = Chaos().set("*=latency:100ms;/v1/*=latency:1s;/v1/*=500")
    delay, rule = chaos.decide("GET", "/v1/x")
    assert delay == pytest.approx(1.1) and rule is not None and rule.fault == "500"


@pytest.fixture
def app():
    return create_app(EmulatorOptions(seed=7, clock=ManualClock()))


async def _get(app, path: str = COLLABS, **kw) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emu") as c:
        return await c.get(path, headers=KEY, **kw)


async def test_each_status_fault_in_the_platforms_envelope(app):
    chaos = app.state.chaos
    chaos.set("GET /api/*=429")
    r = await _get(app)
    assert r.status_code == 429 and "retry-after" not in r.headers
    assert r.json()["error"]["code"] == "RESOURCE_EXHAUSTED" and r.headers["x-request-id"]
    chaos.set("GET /api/*=429:7")
    r = await _get(app)
    assert r.status_code == 429 and r.headers["retry-after"] == "7"
    chaos.set("*=500")
    r = await _get(app, "/v1/cleanrooms")
    assert r.status_code == 500 and r.json()["code"] == "INTERNAL_SERVER_ERROR"
    for status in (502, 503, 504):
        chaos.set(f"*={status}")
        r = await _get(app)
        assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    chaos.clear()
    assert (await _get(app)).status_code == 200


async def test_body_faults_run_the_route_first(app):
    chaos = app.state.chaos
    chaos.set("GET /api/*=malformed")
    r = await _get(app)
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()
    chaos.set("GET /api/*=truncated")
    r = await _get(app)
    assert r.status_code == 200 and int(r.headers["content-length"]) == len(r.content)
    with pytest.raises(ValueError):
        r.json()


async def test_drip_and_latency_use_the_injected_sleep(app):
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    chaos = app.state.chaos
    chaos.sleep = sleep
    chaos.set("GET /api/*=drip:0.5")
    r = await _get(app)
    assert r.status_code == 200 and r.json()["collaborations"]
    assert len(slept) == -(-len(r.content) // 64) and set(slept) == {0.5}
    slept.clear()
    chaos.set("GET /api/*=latency:2s")
    assert (await _get(app)).status_code == 200 and slept == [2.0]


async def test_drop_after_runs_the_route_then_the_transport_fails(app):
    inf = app.state.infosum
    collab = next(c for c in inf.collaborations.values() if c.status == "STATUS_ACTIVE")
    chaos = app.state.chaos
    other = next(c for c in inf.collaborations.values()
                 if c.status == "STATUS_ACTIVE" and c.id != collab.id and c.owner_id == collab.owner_id)
    chaos = app.state.chaos
    chaos.set("POST /api/*=drop-before")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emu") as c:
        with pytest.raises(httpx.TransportError):
            await c.post(f"{COLLABS}/{other.id}/close", headers=KEY, json={})
    assert other.status == "STATUS_ACTIVE"  # never reached the route
    chaos.set("POST /api/*=drop-after")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emu") as c:
        with pytest.raises(httpx.TransportError):
            await c.post(f"{COLLABS}/{collab.id}/close", headers=KEY, json={})
    assert collab.status == "STATUS_CLOSED"  # the server acted; the answer was lost


async def test_token_expired_stays_expired_for_that_token(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emu") as c:
        async def token() -> str:
            r = await c.post("/v1/oauth/token", data={"grant_type": "client_credentials"},
                             auth=("demo-client", "demo-secret"))
            return r.json()["accessToken"]

        old = await token()
        assert (await c.get("/v1/cleanrooms", headers={"Authorization": f"Bearer {old}"})).status_code == 200
        app.state.chaos.set("GET /v1/cleanrooms=token-expired,times=1")
        r = await c.get("/v1/cleanrooms", headers={"Authorization": f"Bearer {old}"})
        assert r.status_code == 401 and r.json()["status"] == "UNAUTHORIZED"
        r = await c.get("/v1/cleanrooms", headers={"Authorization": f"Bearer {old}"})
        assert r.status_code == 401  # still expired, though the rule is spent
        new = await token()
        assert (await c.get("/v1/cleanrooms", headers={"Authorization": f"Bearer {new}"})).status_code == 200


def test_faults_over_real_http():
    with served(EmulatorOptions(seed=7, clock=ManualClock(), chaos="GET /api/v2/collaborations=drop-after,times=1;"
                                                               "GET /api/v1/*=truncated")) as emu:
        with httpx.Client(base_url=emu.base_url, headers=KEY, timeout=5) as c:
            with pytest.raises(httpx.TransportError):
                c.get(COLLABS)
            assert c.get(COLLABS).status_code == 200  # times=1: the next call is answered
            r = c.get("/api/v1/account/me")
            with pytest.raises(ValueError):
                r.json()
            emu.app.state.chaos.set("*=503")
            assert c.get(COLLABS).status_code == 503
            emu.app.state.chaos.set("*=latency:10ms")
            assert c.get(COLLABS).status_code == 200
        assert emu.app.state.chaos.count("drop-after") == 1


def test_options_chaos_is_installed_at_start():
    app = create_app(EmulatorOptions(seed=7, clock=ManualClock(), chaos="*=503"))
    assert app.state.chaos.describe() == "*=503"


def test_packaged_corpus_is_the_tests_corpus():
    tests_copy = Path(__file__).parents[1] / "data" / "hostile_strings.json"
    assert CORPUS_FILE.read_bytes() == tests_copy.read_bytes()
    ids = {i for i, _ in corpus()}
    for needed in ("markup-click", "osc52-clipboard", "osc8-link", "osc-title", "c1-controls", "nul",
                   "long-10k", "combining", "rtl-override", "emoji", "lone-surrogates"):
        assert needed in ids
    assert max(len(t) for _, t in corpus()) >= 10_000
    assert any(0xD800 <= ord(ch) <= 0xDFFF for _, t in corpus() for ch in t)


async def test_hostile_world_answers_valid_json_with_lone_surrogates():
    app = create_app(EmulatorOptions(seed=7, clock=ManualClock(), hostile=True))
    r = await _get(app)
    body = json.loads(r.content)  # valid JSON text, even with lone surrogates inside strings
    names = [c["name"] for c in body["collaborations"]]
    # every lone surrogate goes out as \ud800 (the worlds hold one stand-in for them all)
    texts = {"".join("\ud800" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in t) for _, t in corpus()}
    assert names and all(n in texts for n in names)
    assert any("\ud800" in n for c in body["collaborations"] for n in (c["name"], c["description"]))
    lr = app.state.liveramp
    rooms = {room.name.replace("\ufdd0", "\ud800") for room in lr.cleanrooms.values()}
    assert rooms <= texts
    # a fresh, non-hostile world is untouched (the catalog's templates were copied, not edited)
    plain = create_app(EmulatorOptions(seed=7, clock=ManualClock()))
    assert all(q.template.title.isprintable() and "[" not in q.template.title
               for q in plain.state.liveramp.org_questions.values())


async def test_token_expired_leaves_token_requests_alone(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emu") as c:
        app.state.chaos.set("/v1/*=token-expired")
        r = await c.post("/v1/oauth/token", data={"grant_type": "client_credentials"},
                         auth=("demo-client", "demo-secret"))
        assert r.status_code == 200 and app.state.chaos.count() == 0
        r = await c.get("/v1/cleanrooms", headers={"Authorization": f"Bearer {r.json()['accessToken']}"})
        assert r.status_code == 401 and app.state.chaos.count("token-expired") == 1


def test_hostile_seeding_reaches_every_kind_of_text_field():
    from tui.emulator.hostile import SURROGATE_STAND_IN
    from tui.emulator.liveramp import results

    def stored(text: str) -> str:
        return "".join(SURROGATE_STAND_IN if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)

    texts = {stored(t) for _, t in corpus()}

    def hostile(value: str) -> bool:
        return value in texts or any(value.startswith(t + " #") for t in texts)

    app = create_app(EmulatorOptions(seed=7, clock=ManualClock(), hostile=True))
    lr, inf = app.state.liveramp, app.state.infosum
    assert all(hostile(o.name) for o in lr.orgs.values())  # partner names
    assert all(hostile(r.name) and hostile(r.description) for r in lr.cleanrooms.values())
    assert all(hostile(q.title) for q in lr.questions.values())
    failed = [r for r in lr.runs.values() if r.plan.failure_reason]
    assert failed and all(hostile(r.plan.failure_reason) for r in failed)  # failure reasons
    assert all(hostile(r.name) for r in lr.runs.values() if r.name)
    assert all(hostile(f.name) for f in lr.flows.values())
    question = next(iter(lr.questions.values()))
    assert all(hostile(c.field_name) for c in question.template.columns)  # column names
    done = next(r for r in lr.runs.values() if r.plan.final == "COMPLETED" and any(
        c.kind == "dimension" for c in lr.questions[r.question_id].template.columns))
    template = lr.questions[done.question_id].template
    row = results.row(template, done.id, 0)
    dims = [c.column_name for c in template.columns if c.kind == "dimension"]
    assert all(hostile(row[d]) for d in dims)  # result cells
    assert all(hostile(c.display_name) for c in inf.companies.values())
    assert all(hostile(c.name) and hostile(c.description) for c in inf.collaborations.values())
    assert all(hostile(d.public_name) for d in inf.datasets.values())
    collab = next(iter(inf.collaborations.values()))
    messages = {collab.events.event(i)["message"] for i in range(min(30, len(collab.events)))}
    assert messages and all(hostile(m) for m in messages)  # event messages
