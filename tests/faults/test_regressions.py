"""Regression tests for what the fault drills found (each fix, pinned at the smallest level)."""

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
