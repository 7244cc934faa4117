"""Regression tests for what the fault drills found (each fix, pinned at the smallest level).

Pinned by the drills themselves: headless reads answer from the cache (exit 4) after a 5xx, 429 or
garbled answer (test_headless_drills: was exit 3 with no data); an untrusted certificate is a TLS
error, not "offline", and is not retried (test_tls); config refuses verify-off keys and a missing
ca_bundle (test_tls: was a traceback); chaos ``token-expired`` leaves /oauth/token alone (unit).
"""

from __future__ import annotations

import httpx

from tui.api.http import ApiError, decode_json, error_from_response
from tui.ui.widgets.load_state import describe_error

PROXY_PAGE = ("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
              "</center><hr><center>nginx</center></body></html>")


def _response(status: int, body: bytes, ctype: str) -> httpx.Response:
    request = httpx.Request("GET", "https://api.habu.com/v1/cleanrooms")
    return httpx.Response(status, content=body, headers={"content-type": ctype}, request=request)


def test_a_proxys_html_error_page_reads_as_its_title_not_its_markup():
    # found by the 502/503 drills: the error pane showed the raw HTML of the proxy's page
    err = error_from_response(_response(502, PROXY_PAGE.encode(), "text/html"), "liveramp")
    assert err.message.startswith("502 Bad Gateway (an HTML error page")
    assert "<" not in err.message and err.retryable
    assert "proxy" in err.hint
    # without a content type, and without a title: the reason phrase
    err = error_from_response(_response(503, b"<!DOCTYPE html><html><body>down</body></html>", ""), "infosum")
    assert err.message.startswith("Service Unavailable (an HTML error page")


def test_a_garbled_answer_says_what_to_do():
    # found by the malformed/truncated drills: the pane said "HTTP 200: … not valid JSON" and no more
    request = httpx.Request("GET", "https://api.habu.com/v1/cleanrooms")
    try:
        decode_json(httpx.Response(200, content=b'{"cut": [1, 2', request=request), "liveramp")
    except ApiError as exc:
        assert exc.code == "BAD_JSON" and "cut off or garbled" in exc.hint
        assert "cut off or garbled" in describe_error(exc).plain
    else:  # pragma: no cover
        raise AssertionError("a cut body must raise")


def test_a_lost_write_answer_never_promises_a_retry():
    # found by the TUI write drills: a dropped DELETE said "It will retry by itself" (writes never
    # are), and a garbled answer to a write said "retry" (the change may already have been made)
    dropped = ApiError(message="connection failed", code="NETWORK", method="DELETE", path="/v1/x", retryable=True)
    assert "may or may not" in dropped.hint and "retries by itself" not in dropped.hint
    garbled = ApiError(message="not valid JSON", status=200, code="BAD_JSON", method="POST", path="/v1/x")
    assert "may or may not" in garbled.hint
    refused = ApiError(message="could not connect", code="CONNECT", method="POST", path="/v1/x")
    assert "nothing was sent" in refused.hint
    read = ApiError(message="connection failed", code="NETWORK", method="GET", path="/v1/x")
    assert "retries by itself" in read.hint  # reads do retry


def test_an_unloadable_ca_bundle_is_an_api_error(tmp_path):
    # found by the TLS drills: a missing CA file was a FileNotFoundError traceback at the first call
    from tui.api.http import HttpCore

    try:
        HttpCore("https://api.habu.com", platform="liveramp", verify=str(tmp_path / "gone.pem"))
    except ApiError as exc:
        assert exc.code == "CA_BUNDLE" and "gone.pem" in exc.message
    else:  # pragma: no cover
        raise AssertionError("a missing CA bundle must be refused")


def test_cli_flags_for_chaos_and_hostile():
    from tui.cli import build_parser

    args = build_parser().parse_args(["--demo", "--hostile"])
    assert args.demo and args.hostile
    args = build_parser().parse_args(["emulator", "--hostile", "--chaos", "GET /v1/*=503,p=0.5"])
    assert args.hostile and args.chaos == "GET /v1/*=503,p=0.5"
