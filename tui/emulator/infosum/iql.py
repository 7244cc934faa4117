"""A light IQL check: enough to catch a malformed query the way the real parser would (400).

Accepted: ``SELECT <items> FROM <name> [(INTERSECT|UNION|EXCEPT|,) <name>]* [WHERE ...] [GROUP BY ...]
[ORDER BY ...] [LIMIT n]``. Dataset names are identifiers; attribute references are ``name.column``
(or bare columns, resolved against the first dataset).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class IqlError(ValueError):
    pass


_IDENT = r"[A-Za-z][A-Za-z0-9_]*"
_FROM_RE = re.compile(r"\bFROM\b(?P<sources>.*?)(?=\bWHERE\b|\bGROUP\s+BY\b|\bORDER\s+BY\b|\bLIMIT\b|$)",
                      re.IGNORECASE | re.DOTALL)
_JOINERS = re.compile(r"\s*(?:,|\bINTERSECT\b|\bUNION\b|\bEXCEPT\b)\s*", re.IGNORECASE)
_QUALIFIED = re.compile(rf"\b({_IDENT})\.({_IDENT})\b")
_FUNCS = re.compile(r"\b(AGGREGATE|TOPN|COUNT|SUM|AVG)\s*\(([^()]*)\)", re.IGNORECASE)
_KEYWORDS = {"select", "from", "where", "and", "or", "not", "intersect", "union", "except", "group", "by",
             "order", "limit", "asc", "desc", "count", "aggregate", "topn", "sum", "avg", "as", "in", "like",
             "true", "false", "null", "is", "between"}


@dataclass
class IqlQuery:
    text: str
    sources: list[str]
    #: (dataset name or None, column) for every column the query mentions
    columns: list[tuple[str | None, str]] = field(default_factory=list)
    #: columns the result is broken down by (AGGREGATE/TOPN arguments), in order
    dimensions: list[tuple[str | None, str]] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)


def parse(text: object) -> IqlQuery:
    if not isinstance(text, str) or not text.strip():
        raise IqlError("query is empty")
    query = text.strip()
    if not re.match(r"(?i)SELECT\b", query):
        raise IqlError("query could not be parsed: it must start with SELECT")
    depth = 0
    for pos, ch in enumerate(query):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise IqlError(f"query could not be parsed: unexpected ')' at position {pos}")
    if depth:
        raise IqlError("query could not be parsed: unbalanced parentheses")
    if query.count("'") % 2:
        raise IqlError("query could not be parsed: unterminated string literal")
    match = _FROM_RE.search(query)
    if not match or not match.group("sources").strip():
        raise IqlError("query could not be parsed: missing FROM <dataset>")
    select_part = query[6:match.start()].strip()
    if not select_part:
        raise IqlError("query could not be parsed: nothing selected")
    sources = [s for s in _JOINERS.split(match.group("sources").strip()) if s]
    for name in sources:
        if not re.fullmatch(_IDENT, name):
            raise IqlError(f"query could not be parsed: '{name}' is not a dataset name")
    parsed = IqlQuery(query, sources)
    without_strings = re.sub(r"'[^']*'", "''", query)
    for ds, col in _QUALIFIED.findall(without_strings):
        parsed.columns.append((ds, col))
    for func, args in _FUNCS.findall(select_part):
        parsed.functions.append(func.upper())
        if func.upper() in ("AGGREGATE", "TOPN"):
            for arg in args.split(","):
                arg = arg.strip()
                if not arg or arg.isdigit():
                    continue
                if "." in arg:
                    ds, col = arg.split(".", 1)
                    parsed.dimensions.append((ds, col))
                elif re.fullmatch(_IDENT, arg):
                    parsed.dimensions.append((None, arg))
                    parsed.columns.append((None, arg))
    return parsed
