"""The shared HTTP layer: error envelopes, retry policy (GET only), redaction."""

from __future__ import annotations

import logging

import httpx
import pytest

from tui.api.http import REDACT, ApiError, HttpCore, RetryPolicy, error_from_response


def _resp(status: int, body=None, headers=None, text=None) -> httpx.Response:
    req = httpx.Request("GET", "https://api.example/v1/cleanrooms/x")
    if text is not None:
        return httpx.Response(status, text=text, headers=headers, request=req)
    return httpx.Response(status, json=body, headers=headers, request=req)


@pytest.mark.parametrize(
    ("body", "message", "code"),
    [
        # LiveRamp live envelope
        ({"status": "UNAUTHORIZED", "code": 401, "timestamp": "12-08-2026 05:17:12",
          "message": "Full authentication is required to access this resource",
          "details": "uri=/v1/cleanrooms"},
         "Full authentication is required to access this resource", "UNAUTHORIZED"),
        # LiveRamp SPEC ReturnObject
        ({"code": "PRECONDITION_FAILED", "message": "question is not READY"},
         "question is not READY", "PRECONDITION_FAILED"),
        # InfoSum v2
        ({"error": {"code": "PERMISSION_DENIED", "message": "only the owner can close"},
          "details": {"code": "", "message": "caller is a member"}, "request_id": "req-9",
          "time": "2026-01-01T00:00:00Z"},
         "only the owner can close", "PERMISSION_DENIED"),
        # InfoSum v1 tyraelError
        ({"message": "query could not be parsed", "metadata": {"pos": "3"}},
         "query could not be parsed", None),
        # InfoSum playbook
        ({"error": "query not finished", "code": "NOT_READY"}, "query not finished", "NOT_READY"),
    ],
)
def test_error_envelopes(body, message, code):
    err = error_from_response(_resp(400, body, headers={"x-request-id": "abc, abc"}))
    assert err.message == message
    assert err.code == code
    assert err.status == 400
    assert err.request_id in {"abc", "req-9"}


def test_spring_default_404_and_request_id_deduplicated():
    body = {"timestamp": "2025-06-24T02:14:23.635+00:00", "status": 404, "error": "Not Found",
            "path": "/v1/me"}
    err = error_from_response(_resp(404, body, headers={"x-request-id": "r1, r1"}))
    assert err.status == 404
    assert "Not Found" in err.message and "/v1/me" in err.message
    assert err.request_id == "r1"
    assert "request id r1" in str(err)
    assert err.hint.startswith("Not found")


def test_non_json_error_body_and_control_characters_are_scrubbed():
    err = error_from_response(_resp(502, text="<html>bad \x1b[31mgateway</html>"))
    assert err.retryable
    assert "\x1b" not in err.message


def test_retry_after_parsed():
    err = error_from_response(_resp(429, {"code": "x", "message": "slow down"}, headers={"retry-after": "7"}))
    assert err.retry_after == 7.0 and err.retryable


class Recorder:
    def __init__(self, answers):
        self.answers = list(answers)
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


async def _no_sleep(_s: float) -> None:
    return None


async def test_get_retries_on_5xx_and_connect_errors_then_succeeds():
    rec = Recorder([httpx.ConnectError("refused"), httpx.Response(503), httpx.Response(200, json=[1])])
    core = HttpCore("https://api.example/v1", platform="t", transport=httpx.MockTransport(rec),
                    sleep=_no_sleep, retry=RetryPolicy(attempts=4))
    assert await core.json("GET", "/cleanrooms") == [1]
    assert len(rec.seen) == 3
    await core.aclose()


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_writes_are_never_retried(method):
    rec = Recorder([httpx.Response(503), httpx.Response(200, json={})])
    core = HttpCore("https://api.example/v1", platform="t", transport=httpx.MockTransport(rec),
                    sleep=_no_sleep)
    with pytest.raises(ApiError) as info:
        await core.send(method, "/x", json_body={"a": 1})
    assert info.value.status == 503
    assert len(rec.seen) == 1
    rec2 = Recorder([httpx.ConnectError("boom"), httpx.Response(200, json={})])
    core2 = HttpCore("https://api.example/v1", platform="t", transport=httpx.MockTransport(rec2),
                     sleep=_no_sleep)
    with pytest.raises(ApiError) as info2:
        await core2.send(method, "/x")
    assert info2.value.offline
    assert len(rec2.seen) == 1


async def test_get_gives_up_after_attempts_and_does_not_retry_4xx():
    rec = Recorder([httpx.Response(500)] * 3)
    core = HttpCore("https://api.example", platform="t", transport=httpx.MockTransport(rec),
                    sleep=_no_sleep, retry=RetryPolicy(attempts=3))
    with pytest.raises(ApiError):
        await core.send("GET", "/x")
    assert len(rec.seen) == 3
    rec404 = Recorder([httpx.Response(404, json={"code": "NOT_FOUND", "message": "no"})])
    core404 = HttpCore("https://api.example", platform="t", transport=httpx.MockTransport(rec404),
                       sleep=_no_sleep)
    with pytest.raises(ApiError):
        await core404.send("GET", "/x")
    assert len(rec404.seen) == 1


async def test_backoff_is_capped_exponential_and_honours_retry_after():
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    rec = Recorder([httpx.Response(429, headers={"retry-after": "2"}), httpx.Response(502),
                    httpx.Response(502), httpx.Response(200, json={})])
    core = HttpCore("https://api.example", platform="t", transport=httpx.MockTransport(rec),
                    sleep=sleep, retry=RetryPolicy(attempts=4, base=1.0, cap=1.5))
    await core.send("GET", "/x")
    assert slept[0] == 2.0
    assert all(0 <= s <= 1.5 for s in slept[1:])


def test_tls_verification_cannot_be_disabled():
    with pytest.raises(ValueError):
        HttpCore("https://api.example", platform="t", verify=False)


def test_redaction_of_secrets_in_errors_and_logs(caplog):
    REDACT.add("s3cr3t-value-123")
    err = ApiError(message="bad credentials s3cr3t-value-123", status=401)
    assert "s3cr3t" not in str(err) and "s3cr3t" not in repr(err)
    with caplog.at_level(logging.DEBUG, logger="tui.api"):
        logging.getLogger("tui.api").debug("header Bearer abcdefghijkl and %s", "s3cr3t-value-123")
    assert "s3cr3t" not in caplog.text
    assert "abcdefghijkl" not in caplog.text


def test_child_logger_records_are_redacted(caplog):
    REDACT.add("another-secret-456")
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("tui.api.liveramp.auth").warning("token %s", "another-secret-456")
    assert "another-secret-456" not in caplog.text
    assert "***" in caplog.text


async def test_429_without_retry_after_is_not_retried():
    rec = Recorder([httpx.Response(429, json={"code": "TOO_MANY_REQUESTS", "message": "limit"}),
                    httpx.Response(200, json={})])
    core = HttpCore("https://api.example", platform="t", transport=httpx.MockTransport(rec), sleep=_no_sleep)
    with pytest.raises(ApiError) as info:
        await core.send("GET", "/x")
    assert info.value.status == 429 and info.value.retryable
    assert len(rec.seen) == 1
