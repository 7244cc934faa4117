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


def test_line_and_paragraph_separators_are_line_breaks_not_raw_characters():
    # issue 16, item 3: U+2028/U+2029 (and NEL) passed the sanitiser everywhere
    assert plain("a\u2028b\u2029c\x85d") == "a b c d"
    assert plain("a\u2028b", single_line=False) == "a\nb"
    assert not is_clean("a\u2028b")


def test_characters_measured_differently_are_made_consistent():
    # issue 16, item 4: Textual and terminals disagree on these widths; after the gate they agree
    from rich.cells import cell_len

    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert plain(family) == "\U0001f468\U0001f469\U0001f467" and cell_len(plain(family)) == 6
    assert plain("\u2764\ufe0f ok") == "\u2764 ok"  # variation selector dropped: one cell everywhere
    assert plain("\U0001f44d\U0001f3fd") == "\U0001f44d"  # skin-tone modifier
    assert plain("flag\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f") == "flag\U0001f3f4"
    assert plain("\u3164\u115f name") == "\ufffd\ufffd name"  # Hangul fillers: visible, one cell
    assert plain("zero\u200bwidth\u2060joiner\ufeff") == "zerowidthjoiner"


def test_headless_tables_keep_separators_out():
    from tui.headless.output import Column, render_table

    lines = render_table([Column("NAME", lambda r: r["n"])], [{"n": "one\u2028two\x1b]0;t\x07"}])
    text = "\n".join(lines)
    assert "one two" in text and "\u2028" not in text and "\x1b" not in text
