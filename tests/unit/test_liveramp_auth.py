"""LiveRamp access tokens: wire format, reuse, the 0600 disk cache, the 2-per-24h budget, 401 refresh."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from tui.api.http import ApiError, TokenBudgetExceeded
from tui.api.liveramp import LiveRampClient, TokenRequestRefused
from tui.api.liveramp.auth import TokenState, cache_file_name, format_local
from tui.config import Budget, Profile

SECRET = "s3cret-Value-9f8e7d"
CLIENT_ID = "cid-0oa1b2c3"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def spring_404(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"timestamp": "2025-06-24T02:14:23.635+00:00", "status": 404,
                                     "error": "Not Found", "path": request.url.path})


def live_401(request: httpx.Request) -> httpx.Response:
    return httpx.Response(401, headers={"x-request-id": "r401, r401"}, json={
        "status": "UNAUTHORIZED", "code": 401, "timestamp": "12-08-2026 05:17:12",
        "message": "Full authentication is required to access this resource",
        "details": f"uri={request.url.path}"})


Route = Callable[[httpx.Request], httpx.Response] | httpx.Response | list


class FakeLiveRamp:
    """A MockTransport handler speaking the reference's wire shapes; records every request."""

    def __init__(self, clock: FakeClock | None = None, lifetime_s: int = 43200) -> None:
        self.clock = clock or FakeClock()
        self.lifetime_s = lifetime_s
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], Route] = {}
        self.token_requests = 0
        self.issued: list[str] = []
        self.token_response: Callable[[httpx.Request], httpx.Response] | None = None

    def route(self, method: str, path: str, answer: Route) -> None:
        self.routes[(method, "/v1" + path)] = answer

    def json(self, method: str, path: str, body, status: int = 200, headers=None) -> None:
        self.route(method, path, lambda r: httpx.Response(status, json=body, headers=headers))

    def hits(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == "/v1" + path]

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/v1/oauth/token":
            self.token_requests += 1
            if self.token_response is not None:
                return self.token_response(request)
            token = f"eyJhbGciOiJSUzI1NiJ9.test-{self.token_requests}-{id(self):x}"
            self.issued.append(token)
            expires = self.clock() + timedelta(seconds=self.lifetime_s)
            return httpx.Response(200, json={
                "accessToken": token, "tokenType": "Bearer", "expiresIn": self.lifetime_s,
                "expiresAt": expires.isoformat(timespec="milliseconds")})
        answer = self.routes.get((request.method, request.url.path))
        if answer is None:
            return spring_404(request)
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)


def make_profile(name: str = "prod", budget: Budget | None = None, **kw) -> Profile:
    return Profile(name=name, platform="liveramp", base_url="https://api.example.test", client_id=CLIENT_ID,
                   secret_env="TEST_LR_SECRET", budget=budget or Budget(), **kw)


async def no_sleep(_: float) -> None:
    return None


def make_client(fake: FakeLiveRamp, tmp_path: Path, profile: Profile | None = None, **kw) -> LiveRampClient:
    kw.setdefault("token_cache_dir", tmp_path / "tokens")
    kw.setdefault("now", fake.clock)
    kw.setdefault("sleep", no_sleep)
    return LiveRampClient(profile or make_profile(), transport=fake.transport(), **kw)


@pytest.fixture(autouse=True)
def _secret_env(monkeypatch):
    monkeypatch.setenv("TEST_LR_SECRET", SECRET)


@pytest.fixture
def fake() -> FakeLiveRamp:
    f = FakeLiveRamp()
    f.json("GET", "/cleanrooms", [{"id": "r1", "displayId": "CR-000001", "name": "Room"}])
    return f


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "tokens").glob("*.json"))


# --------------------------------------------------------------------------- wire format


async def test_token_request_is_form_encoded_with_basic_auth(fake, tmp_path):
    async with make_client(fake, tmp_path) as client:
        await client.list_cleanrooms()
    (token_req,) = fake.hits("POST", "/oauth/token")
    assert token_req.url == httpx.URL("https://api.example.test/v1/oauth/token")
    assert token_req.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token_req.content.decode()) == {"grant_type": ["client_credentials"]}
    assert not token_req.content.startswith(b"{")
    expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert token_req.headers["authorization"] == f"Basic {expected}"
    (call,) = fake.hits("GET", "/cleanrooms")
    assert call.headers["authorization"] == f"Bearer {fake.issued[0]}"
    assert call.headers["accept"] == "application/json"


async def test_camelcase_answer_parsed_and_cached(fake, tmp_path):
    async with make_client(fake, tmp_path) as client:
        await client.list_cleanrooms()
        assert client.token_requests == 1
    (path,) = cache_files(tmp_path)
    assert path.name == cache_file_name("prod", "https://api.example.test", CLIENT_ID)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    data = json.loads(text)
    assert set(data) == {"accessToken", "expiresAt", "issued"}
    assert data["accessToken"] == fake.issued[0]
    assert datetime.fromisoformat(data["expiresAt"]) == T0 + timedelta(hours=12)
    assert [datetime.fromisoformat(t) for t in data["issued"]] == [T0]
    assert SECRET not in text and CLIENT_ID not in text


@pytest.mark.parametrize("expires_at", ["2026-11-23T21:00:00.104+00:00", "2026-11-23T21:00:00Z",
                                        "2026-11-23T21:00:00.104000Z"])
async def test_expires_at_is_authoritative_over_expires_in(fake, tmp_path, expires_at):
    fake.token_response = lambda r: httpx.Response(200, json={
        "accessToken": "eyJ.tok-authoritative", "tokenType": "Bearer", "expiresIn": 86400, "expiresAt": expires_at})
    async with make_client(fake, tmp_path) as client:
        await client.list_cleanrooms()
    state = TokenState.from_json(cache_files(tmp_path)[0].read_bytes())
    assert abs((state.expires_at - (T0 + timedelta(hours=12))).total_seconds()) < 1


async def test_expires_in_used_when_expires_at_missing_or_in_the_past(fake, tmp_path):
    # an emulator on a manual clock (or a skewed host) answers an expiresAt already behind our clock
    fake.token_response = lambda r: httpx.Response(200, json={
        "accessToken": "eyJ.tok-skewed", "tokenType": "Bearer", "expiresIn": 43200,
        "expiresAt": "2026-11-02T21:00:00.000+00:00"})
    async with make_client(fake, tmp_path) as client:
        await client.list_cleanrooms()
        await client.list_cleanrooms()
        assert client.token_requests == 1
    state = TokenState.from_json(cache_files(tmp_path)[0].read_bytes())
    assert state.expires_at == T0 + timedelta(seconds=43200)


# --------------------------------------------------------------------------- reuse


async def test_token_reused_until_the_expiry_margin(fake, tmp_path):
    async with make_client(fake, tmp_path) as client:
        await client.list_cleanrooms()
        fake.clock.advance(hours=11, minutes=58)  # 2 min before expiry: still fine
        await client.list_cleanrooms()
        assert client.token_requests == 1
        fake.clock.advance(minutes=1, seconds=30)  # 30 s before expiry: inside the 60 s margin
        await client.list_cleanrooms()
        assert client.token_requests == 2
    bearers = [r.headers["authorization"] for r in fake.hits("GET", "/cleanrooms")]
    assert bearers == [f"Bearer {fake.issued[0]}"] * 2 + [f"Bearer {fake.issued[1]}"]


async def test_concurrent_calls_share_one_token_request(fake, tmp_path):
    async with make_client(fake, tmp_path) as client:
        await asyncio.gather(*(client.list_cleanrooms() for _ in range(8)))
        assert client.token_requests == 1
    assert fake.token_requests == 1


async def test_second_client_same_cache_makes_no_token_request(fake, tmp_path):
    async with make_client(fake, tmp_path) as first:
        await first.list_cleanrooms()
    async with make_client(fake, tmp_path) as second:  # as a second process would
        await second.list_cleanrooms()
        assert second.token_requests == 0
    assert fake.token_requests == 1
    assert {r.headers["authorization"] for r in fake.hits("GET", "/cleanrooms")} == {f"Bearer {fake.issued[0]}"}


async def test_two_managers_racing_for_the_file_lock_request_once(fake, tmp_path):
    a, b = make_client(fake, tmp_path), make_client(fake, tmp_path)
    async with a, b:
        await asyncio.gather(a.list_cleanrooms(), b.list_cleanrooms(), a.list_cleanrooms())
        assert a.token_requests + b.token_requests == 1
    assert fake.token_requests == 1
    assert (tmp_path / "tokens" / cache_files(tmp_path)[0].with_suffix(".lock").name).exists()


async def test_waits_for_another_process_holding_the_lock_then_reuses_its_token(fake, tmp_path):
    import fcntl
    import os

    profile = make_profile()
    cache = tmp_path / "tokens" / cache_file_name(profile.name, profile.base_url, CLIENT_ID)
    cache.parent.mkdir(parents=True)
    fd = os.open(cache.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # "the other process" is requesting a token right now
    async with make_client(fake, tmp_path, profile) as client:
        task = asyncio.create_task(client.list_cleanrooms())
        await asyncio.sleep(0.15)
        assert not task.done() and fake.requests == []
        seed_cache(tmp_path, [T0], token="eyJ.other-process-token", expires_at=T0 + timedelta(hours=12))
        os.close(fd)  # releases the lock
        await task
        assert client.token_requests == 0
    assert fake.hits("GET", "/cleanrooms")[0].headers["authorization"] == "Bearer eyJ.other-process-token"


async def test_profiles_and_client_ids_get_separate_caches(fake, tmp_path):
    async with make_client(fake, tmp_path, make_profile("prod")) as a:
        await a.list_cleanrooms()
    async with make_client(fake, tmp_path, make_profile("staging")) as b:
        await b.list_cleanrooms()
        assert b.token_requests == 1
    assert len(cache_files(tmp_path)) == 2


async def test_embedded_demo_profile_keeps_tokens_in_memory(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANROOM_TUI_STATE_DIR", str(tmp_path / "state"))
    profile = Profile(name="demo-liveramp", platform="liveramp", base_url="embedded:", client_id="demo-client",
                      secret_env="TEST_LR_SECRET")
    client = LiveRampClient(profile, transport=fake.transport(), now=fake.clock)
    async with client:
        assert client.base_url.endswith("/v1")
        await client.list_cleanrooms()
        await client.list_cleanrooms()
        assert client.token_requests == 1
    assert not (tmp_path / "state").exists()


async def test_default_cache_lives_in_the_state_dir(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANROOM_TUI_STATE_DIR", str(tmp_path / "state"))
    client = LiveRampClient(make_profile(), transport=fake.transport(), now=fake.clock)
    async with client:
        await client.list_cleanrooms()
    (path,) = (tmp_path / "state" / "tokens").glob("prod-*.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --------------------------------------------------------------------------- 401 handling


async def test_401_with_cached_token_refreshes_once_and_retries_once(fake, tmp_path):
    async with make_client(fake, tmp_path) as first:
        await first.list_cleanrooms()
    fake.route("GET", "/cleanrooms", [live_401, httpx.Response(200, json=[{"id": "r1"}])])
    async with make_client(fake, tmp_path) as client:
        rooms = await client.list_cleanrooms()
        assert [r.id for r in rooms] == ["r1"]
        assert client.token_requests == 1
    calls = fake.hits("GET", "/cleanrooms")
    assert [c.headers["authorization"] for c in calls[-2:]] == [f"Bearer {fake.issued[0]}",
                                                               f"Bearer {fake.issued[1]}"]
    state = TokenState.from_json(cache_files(tmp_path)[0].read_bytes())
    assert state.access_token == fake.issued[1] and len(state.issued) == 2


async def test_401_on_a_write_is_retried_once_too(fake, tmp_path):
    async with make_client(fake, tmp_path) as client:
        await client.list_cleanrooms()
        fake.route("POST", "/cleanroom-questions/q1/create-run",
                   [live_401, httpx.Response(200, json={"id": "run-1", "status": "QUEUED"})])
        run = await client.create_run("q1", "nightly", {"window": "14"})
        assert run.id == "run-1"
        assert client.token_requests == 2
    assert len(fake.hits("POST", "/cleanroom-questions/q1/create-run")) == 2


async def test_second_401_is_raised(fake, tmp_path):
    async with make_client(fake, tmp_path) as client:
        await client.list_cleanrooms()
        fake.route("GET", "/cleanrooms", live_401)
        with pytest.raises(ApiError) as info:
            await client.list_cleanrooms()
        assert client.token_requests == 2
    err = info.value
    assert err.status == 401 and err.code == "UNAUTHORIZED"
    assert err.message == "Full authentication is required to access this resource"
    assert err.request_id == "r401"
    assert len(fake.hits("GET", "/cleanrooms")) == 3


async def test_401_on_a_token_just_issued_spends_no_second_token(fake, tmp_path):
    fake.route("GET", "/cleanrooms", live_401)
    async with make_client(fake, tmp_path) as client:
        with pytest.raises(ApiError) as info:
            await client.list_cleanrooms()
        assert client.token_requests == 1
    assert info.value.status == 401
    assert len(fake.hits("GET", "/cleanrooms")) == 1


async def test_401_after_another_process_refreshed_adopts_its_token(fake, tmp_path):
    async with make_client(fake, tmp_path) as a, make_client(fake, tmp_path) as b:
        await a.list_cleanrooms()
        await b.list_cleanrooms()  # b holds token 1 in memory
        old = fake.issued[0]
        fake.route("GET", "/cleanrooms", lambda r: live_401(r) if r.headers["authorization"] == f"Bearer {old}"
                   else httpx.Response(200, json=[]))
        await a.list_cleanrooms()  # a: 401, refresh -> token 2 written to the shared cache
        await b.list_cleanrooms()  # b: 401 with token 1, finds token 2 in the cache
        assert (a.token_requests, b.token_requests) == (2, 0)
    assert fake.token_requests == 2


# --------------------------------------------------------------------------- budget


def seed_cache(tmp_path: Path, issued: list[datetime], token: str | None = None,
               expires_at: datetime | None = None, profile: Profile | None = None) -> Path:
    from tui.config import write_private

    p = profile or make_profile()
    path = tmp_path / "tokens" / cache_file_name(p.name, p.base_url, CLIENT_ID)
    write_private(path, TokenState(token, expires_at, issued).to_json())
    return path


async def test_budget_refuses_a_third_token_and_says_when_one_frees_up(fake, tmp_path):
    first = T0 - timedelta(hours=20)
    seed_cache(tmp_path, [first, T0 - timedelta(hours=8)])
    async with make_client(fake, tmp_path) as client:
        with pytest.raises(TokenBudgetExceeded) as info:
            await client.list_cleanrooms()
        assert client.token_requests == 0
    assert fake.requests == []
    err = info.value
    text = str(err)
    assert "2 already requested" in text and "allows 2 per 24 h" in text
    assert format_local(first + timedelta(hours=24)) in text
    assert err.retry_after == pytest.approx(4 * 3600)
    assert err.hint


async def test_requests_older_than_the_window_free_up_budget(fake, tmp_path):
    seed_cache(tmp_path, [T0 - timedelta(hours=25), T0 - timedelta(hours=8)])
    async with make_client(fake, tmp_path) as client:
        await client.list_cleanrooms()
        assert client.token_requests == 1
    state = TokenState.from_json(cache_files(tmp_path)[0].read_bytes())
    assert state.issued == [T0 - timedelta(hours=8), T0]  # pruned to the window


async def test_budget_window_follows_the_profile_clock_scale(fake, tmp_path):
    fast = Budget().scaled(60)  # demo: a budget "hour" is a minute, the window 24 minutes
    profile = make_profile(budget=fast)
    seed_cache(tmp_path, [T0 - timedelta(minutes=30), T0 - timedelta(minutes=10)], profile=profile)
    async with make_client(fake, tmp_path, profile) as client:
        await client.list_cleanrooms()
        assert client.token_requests == 1
        fake.clock.advance(hours=13)
        await client.list_cleanrooms()
        assert client.token_requests == 2


async def test_401_refresh_also_respects_the_budget(fake, tmp_path):
    seed_cache(tmp_path, [T0 - timedelta(hours=2), T0 - timedelta(hours=1)], token="eyJ.cached-token-x",
               expires_at=T0 + timedelta(hours=10))
    fake.route("GET", "/cleanrooms", live_401)
    async with make_client(fake, tmp_path) as client:
        with pytest.raises(TokenBudgetExceeded):
            await client.list_cleanrooms()
        assert client.token_requests == 0
    state = TokenState.from_json(cache_files(tmp_path)[0].read_bytes())
    assert state.access_token is None  # the rejected token is not offered to other processes


async def test_summary_reports_the_allowance_without_the_token(fake, tmp_path):
    async with make_client(fake, tmp_path) as client:
        await client.list_cleanrooms()
        fake.clock.advance(hours=13)
        await client.list_cleanrooms()
        summary = client.tokens.summary()
    assert summary == {"hasToken": True, "expiresAt": T0 + timedelta(hours=25), "requestedInWindow": 2,
                       "allowed": 2, "nextFreeAt": T0 + timedelta(hours=24)}
    assert fake.issued[1] not in repr(summary)


async def test_token_endpoint_429_is_explained_and_not_retried(fake, tmp_path):
    fake.token_response = lambda r: httpx.Response(
        429, json={"code": "TOO_MANY_REQUESTS", "message": "token issuance limit exceeded"})
    async with make_client(fake, tmp_path) as client:
        with pytest.raises(TokenRequestRefused) as info:
            await client.list_cleanrooms()
    assert fake.token_requests == 1
    err = info.value
    assert err.status == 429 and err.message == "token issuance limit exceeded"
    assert "2 access tokens per 24 h" in err.hint
    # a definite refusal issued nothing: the budget is not charged
    assert TokenState.from_json(cache_files(tmp_path)[0].read_bytes()).issued == []


async def test_token_endpoint_400_about_limits_is_explained(fake, tmp_path):
    fake.token_response = lambda r: httpx.Response(400, json={"message": "Token limit reached for this user"})
    async with make_client(fake, tmp_path) as client:
        with pytest.raises(TokenRequestRefused) as info:
            await client.list_cleanrooms()
    assert info.value.status == 400 and "2 access tokens" in info.value.hint


async def test_token_endpoint_wrong_credentials_is_a_plain_401(fake, tmp_path):
    fake.token_response = live_401
    async with make_client(fake, tmp_path) as client:
        with pytest.raises(ApiError) as info:
            await client.list_cleanrooms()
    assert not isinstance(info.value, TokenRequestRefused)
    assert info.value.status == 401 and info.value.hint.startswith("Credentials")


async def test_token_request_is_never_retried(fake, tmp_path):
    fake.token_response = lambda r: httpx.Response(503, json={"code": "UNAVAILABLE", "message": "down"})
    async with make_client(fake, tmp_path) as client:
        with pytest.raises(ApiError) as info:
            await client.list_cleanrooms()
    assert info.value.status == 503
    assert fake.token_requests == 1


async def test_lost_token_answer_still_counts_against_the_budget(fake, tmp_path):
    def drop(request):
        raise httpx.ReadTimeout("answer lost", request=request)

    fake.token_response = drop
    async with make_client(fake, tmp_path) as client:
        with pytest.raises(ApiError) as info:
            await client.list_cleanrooms()
    assert info.value.code == "TIMEOUT"
    assert len(TokenState.from_json(cache_files(tmp_path)[0].read_bytes()).issued) == 1


async def test_missing_secret_is_an_api_error(fake, tmp_path, monkeypatch):
    monkeypatch.delenv("TEST_LR_SECRET")
    async with make_client(fake, tmp_path) as client:
        with pytest.raises(ApiError) as info:
            await client.list_cleanrooms()
    assert info.value.code == "CONFIG" and "TEST_LR_SECRET" in info.value.message
    assert fake.requests == []


# --------------------------------------------------------------------------- secrecy


async def test_no_secret_or_token_in_reprs_errors_or_logs(fake, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    async with make_client(fake, tmp_path) as client:
        await client.list_cleanrooms()
        fake.route("GET", "/cleanrooms", live_401)
        with pytest.raises(ApiError) as info:
            await client.list_cleanrooms()
        texts += [str(info.value), repr(info.value), repr(client), str(client), repr(client.tokens),
                  repr(client.profile)]
        fake.route("GET", "/cleanroom-question-runs/x", lambda r: httpx.Response(
            500, json={"code": "ERR", "message": f"echo {r.headers['authorization']}"}))
        with pytest.raises(ApiError) as info2:
            await client.get_run("x")
        texts += [str(info2.value), repr(info2.value)]
    state = TokenState.from_json(cache_files(tmp_path)[0].read_bytes())
    texts += [repr(state), caplog.text]
    from tui.api.liveramp.models import TokenInfo

    texts.append(repr(TokenInfo.model_validate({"accessToken": fake.issued[0]})))
    texts.append(str(TokenInfo.model_validate({"accessToken": fake.issued[0]})))
    assert "access token" in caplog.text  # the manager did log, just not the secrets
    for text in texts:
        assert SECRET not in text
        for token in fake.issued:
            assert token not in text
