from tui.core.sanitize import is_clean, plain
from tui.core.status import Lifecycle, infosum_query_lifecycle, normalize

HOSTILE = [
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;c2VjcmV0\x07",          # OSC 52 clipboard write
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b]0;new title\x07",            # window title
    "a\x00b\x07c\x9bd",                # NUL, BEL, C1 CSI
    "abc\u202eevil\u202c",             # RTL override
    "bad \ud800 surrogate",
]


def test_hostile_strings_become_inert():
    for s in HOSTILE:
        out = plain(s)
        assert "\x1b" not in out and "\x07" not in out and "\x00" not in out
        assert not any("\x80" <= c <= "\x9f" for c in out)
        assert "\u202e" not in out and "\ud800" not in out
        assert is_clean(out)


def test_markup_is_kept_literally_and_long_text_capped():
    assert plain("[bold]x[/] [@click=app.quit]q[/]") == "[bold]x[/] [@click=app.quit]q[/]"
    out = plain("x" * 10_000, max_len=100)
    assert len(out) == 100 and out.endswith("…")
    assert plain("e\u0301 😀 שלום") == "e\u0301 😀 שלום"
    assert plain(None) == "" and plain(42) == "42"
    assert plain("a\nb\tc") == "a b c"
    assert plain("a\nb", single_line=False) == "a\nb"


def test_status_mapping():
    assert normalize("liveramp", "COMPLETED") is Lifecycle.SUCCEEDED
    assert normalize("liveramp", "PARTNER_RUNNING") is Lifecycle.WAITING_ON_PARTNER
    assert normalize("liveramp", "PAUSED") is Lifecycle.PAUSED
    assert normalize("liveramp", "SOMETHING_NEW") is Lifecycle.UNKNOWN
    assert normalize("infosum", "completed") is Lifecycle.SUCCEEDED
    assert normalize("infosum", "EXPORT_STATUS_FAILED") is Lifecycle.FAILED
    assert Lifecycle.FAILED.terminal and not Lifecycle.PAUSED.terminal and Lifecycle.QUEUED.active
    assert infosum_query_lifecycle(False, None) is Lifecycle.RUNNING
    assert infosum_query_lifecycle(True, "boom") is Lifecycle.FAILED
    assert infosum_query_lifecycle(True, None, "failed") is Lifecycle.FAILED
