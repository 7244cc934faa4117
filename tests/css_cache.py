"""Textual CSS parsed once per test process, not once per Pilot app.

Every ``App`` builds its own ``Stylesheet`` and parses every widget's ``DEFAULT_CSS`` and the app's
CSS again (its parse cache lives on the stylesheet): ~0.08 s of CPU per app here, several hundred
apps per worker. The parsed rule sets depend only on the CSS text, where it was read from, its
scope and the theme's variables, so they are shared across apps under exactly that key (Textual's
own cache key plus the variables). Rules with errors are not shared: they raise as before.
"""

from __future__ import annotations

from typing import Any

_SHARED: dict[tuple, list[Any]] = {}


def install() -> None:
    from textual.css.stylesheet import Stylesheet

    if getattr(Stylesheet, "_shared_parse", False):
        return
    parse_rules = Stylesheet._parse_rules

    def shared_parse_rules(self: Stylesheet, css: str, read_from: Any, is_default_rules: bool = False,
                           tie_breaker: int = 0, scope: str = "") -> list[Any]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        rules = _SHARED.get(key)
        if rules is None:
            rules = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
            if not any(rule.errors for rule in rules):
                _SHARED[key] = rules
        return rules

    Stylesheet._parse_rules = shared_parse_rules
    Stylesheet._shared_parse = True
