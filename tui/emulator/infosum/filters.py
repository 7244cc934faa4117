"""The v2 ``filter`` query parameter: a small recursive-descent parser and an evaluator.

Grammar (reference §5.3, precedence is ours — the docs only say parentheses go first)::

    filter     := or_expr
    or_expr    := and_expr ( "or" and_expr )*
    and_expr   := unary ( "and" unary )*
    unary      := "not" unary | primary
    primary    := "(" or_expr ")" | comparison
    comparison := FIELD OP VALUE
    OP         := eq | ne | co | ico | nc | inc | lt | le | gt | ge
    VALUE      := 'single quoted' | bare_token

Decisions where the reference is silent (GUESS, documented for the client team):

- ``not`` binds tighter than ``and``, which binds tighter than ``or`` (the SQL convention).
- Keywords and operators are case-insensitive (``AND``, ``Eq``); field names are not.
- Inside a quoted string a doubled quote ``''`` stands for one ``'`` (SQL style); there is no
  backslash escape.  Bare tokens (enum names, ids, dates) run until whitespace, a parenthesis
  or a quote.
- Date fields accept ``2006-01-02T15:04:05Z07:00`` (``Z`` or an offset, optional fraction),
  ``2006-01-02T15:04:05`` and ``2006-01-02`` (both read as UTC) and compare as instants.
  ``co``/``ico``/``nc``/``inc`` are rejected on date fields.
- List fields (e.g. a collaboration's ``members``) match when ANY element satisfies a positive
  operator; ``ne``/``nc``/``inc`` match when NO element equals/contains the value.

Every error is a :class:`FilterError` whose message says what went wrong and at which character
position (0-based), e.g. ``unknown field 'evnt_type' at position 0; valid fields: event_type, company_id``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

#: kinds of filterable fields
STRING, DATE, LIST, NUMBER = "string", "date", "list", "number"

OPERATORS = ("eq", "ne", "co", "ico", "nc", "inc", "lt", "le", "gt", "ge")
TEXT_ONLY_OPS = frozenset({"co", "ico", "nc", "inc"})
NEGATIVE_OPS = frozenset({"ne", "nc", "inc"})
KEYWORDS = frozenset({"and", "or", "not"})


class FilterError(ValueError):
    """A filter the server refuses (answered as 400 INVALID_ARGUMENT)."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


# --------------------------------------------------------------------------- tokens

LPAREN, RPAREN, QUOTED, BARE = "(", ")", "quoted", "bare"


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int

    def shown(self) -> str:
        return f"'{self.text}'" if self.kind != QUOTED else f"quoted string '{self.text}'"


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(Token(ch, ch, i))
            i += 1
        elif ch == "'":
            start, i, buf = i, i + 1, []
            while True:
                if i >= n:
                    raise FilterError(f"unterminated quoted string starting at position {start}", start)
                if text[i] == "'":
                    if i + 1 < n and text[i + 1] == "'":  # '' is an escaped quote
                        buf.append("'")
                        i += 2
                        continue
                    i += 1
                    break
                buf.append(text[i])
                i += 1
            tokens.append(Token(QUOTED, "".join(buf), start))
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in "()'":
                i += 1
            tokens.append(Token(BARE, text[start:i], start))
    return tokens


# --------------------------------------------------------------------------- AST

@dataclass(frozen=True)
class Compare:
    field: str
    op: str
    value: object  # str, datetime or float (already converted for the field's kind)
    pos: int


@dataclass(frozen=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    inner: Node


Node = Compare | And | Or | Not


# --------------------------------------------------------------------------- dates

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})?$")


def parse_date(text: str) -> datetime | None:
    """RFC 3339 date-time (offset optional, then UTC) or a bare date (midnight UTC); None if neither."""
    try:
        if _DATE_RE.match(text):
            return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
        m = _DATETIME_RE.match(text)
        if not m:
            return None
        value = text
        if m.group(1) and len(m.group(1)) > 7:  # Python takes at most microseconds
            value = value.replace(m.group(1), m.group(1)[:7])
        value = value.replace("z", "Z").replace("Z", "+00:00")
        dt = datetime.fromisoformat(value)
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    except ValueError:
        return None


# --------------------------------------------------------------------------- parser

class _Parser:
    def __init__(self, text: str, fields: Mapping[str, str]) -> None:
        self.text = text
        self.fields = fields
        self.tokens = tokenize(text)
        self.i = 0

    # helpers
    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at_keyword(self, word: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == BARE and tok.text.lower() == word

    def end_pos(self) -> int:
        return len(self.text)

    def valid_fields(self) -> str:
        return ", ".join(self.fields)

    # grammar
    def parse(self) -> Node:
        node = self.or_expr()
        tok = self.peek()
        if tok is not None:
            if tok.kind == RPAREN:
                raise FilterError(f"unbalanced parentheses: unexpected ')' at position {tok.pos}", tok.pos)
            raise FilterError(f"expected 'and' or 'or' at position {tok.pos}, found {tok.shown()}", tok.pos)
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.at_keyword("or"):
            self.take()
            node = Or(node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.unary()
        while self.at_keyword("and"):
            self.take()
            node = And(node, self.unary())
        return node

    def unary(self) -> Node:
        if self.at_keyword("not"):
            self.take()
            return Not(self.unary())
        return self.primary()

    def primary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == LPAREN:
            self.take()
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != RPAREN:
                if close is None:
                    raise FilterError(f"unbalanced parentheses: '(' at position {tok.pos} is never closed",
                                      tok.pos)
                raise FilterError(f"expected ')' or 'and'/'or' at position {close.pos}, found {close.shown()} "
                                  f"(to close '(' at position {tok.pos})", close.pos)
            self.take()
            return node
        return self.comparison()

    def comparison(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise FilterError(f"unexpected end of filter at position {self.end_pos()}: expected a field name "
                              f"(valid fields: {self.valid_fields()})", self.end_pos())
        if tok.kind != BARE or tok.text.lower() in KEYWORDS:
            raise FilterError(f"expected a field name at position {tok.pos}, found {tok.shown()}; "
                              f"valid fields: {self.valid_fields()}", tok.pos)
        field_tok = self.take()
        field = field_tok.text
        if field not in self.fields:
            raise FilterError(f"unknown field '{field}' at position {field_tok.pos}; "
                              f"valid fields: {self.valid_fields()}", field_tok.pos)
        kind = self.fields[field]
        op_tok = self.peek()
        if op_tok is None or op_tok.kind != BARE:
            pos = op_tok.pos if op_tok else self.end_pos()
            raise FilterError(f"expected an operator after '{field}' at position {pos}; "
                              f"valid operators: {', '.join(OPERATORS)}", pos)
        self.take()
        op = op_tok.text.lower()
        if op not in OPERATORS:
            raise FilterError(f"unknown operator '{op_tok.text}' at position {op_tok.pos}; "
                              f"valid operators: {', '.join(OPERATORS)}", op_tok.pos)
        if kind in (DATE, NUMBER) and op in TEXT_ONLY_OPS:
            raise FilterError(f"operator '{op}' at position {op_tok.pos} cannot be used on {kind} field "
                              f"'{field}'", op_tok.pos)
        val_tok = self.peek()
        if val_tok is None or val_tok.kind in (LPAREN, RPAREN):
            pos = val_tok.pos if val_tok else self.end_pos()
            raise FilterError(f"missing value after '{field} {op}' at position {pos}", pos)
        self.take()
        return Compare(field, op, self.convert(field, kind, val_tok), field_tok.pos)

    def convert(self, field: str, kind: str, tok: Token) -> object:
        if kind == DATE:
            dt = parse_date(tok.text)
            if dt is None:
                raise FilterError(f"invalid date '{tok.text}' for field '{field}' at position {tok.pos}; use RFC 3339 "
                                  "(2006-01-02T15:04:05Z07:00, 2006-01-02T15:04:05 or 2006-01-02)", tok.pos)
            return dt
        if kind == NUMBER:
            try:
                return float(tok.text)
            except ValueError:
                raise FilterError(f"invalid number '{tok.text}' for field '{field}' at position {tok.pos}",
                                  tok.pos) from None
        return tok.text


def parse_filter(text: str | None, fields: Mapping[str, str]) -> Node | None:
    """Parse ``text`` against the endpoint's filterable ``fields`` (name -> kind); None for no filter."""
    if text is None or not text.strip():
        return None
    return _Parser(text, fields).parse()


# --------------------------------------------------------------------------- evaluation

Row = object
Getter = Callable[[Row], object]


def _scalar_test(op: str, want: object) -> Callable[[object], bool]:
    if op in ("eq", "ne"):
        return lambda v: v == want
    if op in ("co", "nc"):
        return lambda v: isinstance(v, str) and want in v
    if op in ("ico", "inc"):
        folded = str(want).casefold()
        return lambda v: isinstance(v, str) and folded in v.casefold()
    compare = {"lt": lambda v: v < want, "le": lambda v: v <= want,
               "gt": lambda v: v > want, "ge": lambda v: v >= want}[op]

    def ordered(v: object) -> bool:
        try:
            return v is not None and compare(v)
        except TypeError:
            return False

    return ordered


def compile_filter(node: Node | None, getters: Mapping[str, Getter],
                   kinds: Mapping[str, str] | None = None) -> Callable[[Row], bool]:
    """Turn a parsed filter into ``predicate(row) -> bool``; ``getters`` read each field from a row."""
    if node is None:
        return lambda row: True
    kinds = kinds or {}
    if isinstance(node, And):
        left, right = compile_filter(node.left, getters, kinds), compile_filter(node.right, getters, kinds)
        return lambda row: left(row) and right(row)
    if isinstance(node, Or):
        left, right = compile_filter(node.left, getters, kinds), compile_filter(node.right, getters, kinds)
        return lambda row: left(row) or right(row)
    if isinstance(node, Not):
        inner = compile_filter(node.inner, getters, kinds)
        return lambda row: not inner(row)
    get = getters[node.field]
    positive_op = {"ne": "eq", "nc": "co", "inc": "ico"}.get(node.op, node.op)
    test = _scalar_test(positive_op, node.value)
    negate = node.op in NEGATIVE_OPS
    if kinds.get(node.field) == LIST:
        if negate:
            return lambda row: not any(test(v) for v in get(row))
        return lambda row: any(test(v) for v in get(row))
    if negate:
        return lambda row: not test(get(row))
    return lambda row: test(get(row))
