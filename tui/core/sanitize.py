"""Untrusted text → inert plain text (DESIGN.md principle 1).

Every string from an API was typed by another company. Before it reaches a terminal it must not be
able to move the cursor, recolour the screen, set the clipboard (OSC 52), retitle the window or
reorder text. Markup is a separate concern: the UI renders these strings as ``Text``/``Content``
objects, never as markup, so brackets stay brackets.

Control characters are shown as their Unicode "control pictures" (ESC → ␛) rather than silently
dropped, so an operator can see that something odd was in the data.

Some characters are harmless to the terminal but measured differently by Textual and by terminals
(issue 16), which leaves stray cells and cut statuses: zero-width format characters (ZWJ, tags,
soft hyphen), variation selectors and emoji skin-tone modifiers are dropped (an emoji sequence
falls apart into its emoji, each two cells everywhere), Hangul fillers (blank-looking letters
Textual measures as 0 or 2 cells) become U+FFFD, and U+2028/U+2029 (line and paragraph separators)
are treated as line breaks.
"""

from __future__ import annotations

import re

_SURROGATES = re.compile("[\ud800-\udfff]")
# bidi embeddings/overrides/isolates: they reorder what follows in terminals that honour them
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_C0 = re.compile("[\x00-\x1f\x7f]")
_C1 = re.compile("[\x80-\x9f]")
# measured differently by Textual and terminals: zero-width format characters (ZWSP..ZWJ, word
# joiner, invisible operators, BOM, soft hyphen, Mongolian vowel separator), variation selectors,
# skin-tone modifiers and tag characters are dropped
_ZERO_WIDTH = re.compile("[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\ufe00-\ufe0f"
                         "\U0001f3fb-\U0001f3ff\U000e0000-\U000e007f\U000e0100-\U000e01ef]")
# Hangul fillers: invisible letters, 0 cells to Textual and 1-2 to terminals
_FILLERS = re.compile("[\u115f\u1160\u3164\uffa0]")
_SEPARATORS = re.compile("[\u2028\u2029\x85]")


def _picture(match: re.Match[str]) -> str:
    ch = match.group()
    return "\u2421" if ch == "\x7f" else chr(0x2400 + ord(ch))


def plain(value: object, max_len: int | None = 500, *, single_line: bool = True) -> str:
    """Return ``value`` as text that is safe to put on a terminal.

    ``max_len`` caps very long strings (with an ellipsis) so one 10k-character name cannot
    wreck a layout; ``single_line`` turns newlines and tabs into spaces.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = _SEPARATORS.sub("\n", text)  # NEL (C1) and U+2028/2029 are line breaks, whatever follows
    if single_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ").replace("\r", " ")
    text = _SURROGATES.sub("\ufffd", text)
    text = _BIDI.sub("", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _FILLERS.sub("\ufffd", text)
    text = _C0.sub(_picture, text) if single_line else _C0.sub(
        lambda m: m.group() if m.group() in "\n\t" else _picture(m), text)
    text = _C1.sub("\ufffd", text)
    if max_len is not None and len(text) > max_len:
        text = text[: max_len - 1] + "…"
    return text


def is_clean(value: str) -> bool:
    """True if ``value`` would pass through :func:`plain` unchanged (ignoring length)."""
    return plain(value, max_len=None, single_line=False) == value
