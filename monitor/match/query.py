"""The topic query language: tokens, grammar and the syntax tree.

    query    := or_expr
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := near_expr (["AND"] near_expr)*        two operands side by side: AND
    near     := unary ("NEAR/n" unary)*
    unary    := ("NOT" | "-") unary | primary
    primary  := "(" or_expr ")" | field ":" value | "phrase" | word | word*

Precedence, tightest first: NOT and "-", NEAR/n, AND (written or implied), OR. So
``a OR b c`` is ``a OR (b AND c)``, ``-a b`` is ``(NOT a) AND b`` and ``a b NEAR/3 c``
is ``a AND (b NEAR/3 c)``. Operators are upper case; ``and``/``or``/``not`` are words.
Phrases are quoted with "...", “...” or «...»; a trailing ``*`` makes the word (or a
phrase's last word) a prefix. Fields: ``title:`` takes a word, phrase or (group) that
must occur in the title; ``lang:``, ``label:``, ``feed:``, ``country:``, ``tag:`` take
one value (a trailing ``*`` allowed) and test the item's feed.

Parsing stops at the first syntax error (``QueryError`` with its 0-based column);
``monitor.match.checks`` then looks for every other problem in a well-formed tree.
Limits, reported as errors: nesting (parentheses, NOT, title:, chained NEAR) deeper
than ``MAX_DEPTH``; more than ``MAX_TERMS`` terms; NEAR distances outside 1..100.
Must not: normalise text or know how matching is done.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from monitor.match.model import QueryError

MAX_DEPTH = 32
MAX_TERMS = 10_000
MAX_NEAR = 100
META_FIELDS = ("lang", "label", "feed", "country", "tag")
FIELDS = ("title", *META_FIELDS)
_QUOTES = {'"': '"', "\u201c": "\u201d", "\u00ab": "\u00bb"}
_STOP = frozenset(" \t\r\n()" + "".join(_QUOTES) + "".join(_QUOTES.values()))
_FIELD = re.compile(r"([A-Za-z]+):")
_NEAR = re.compile(r"NEAR/(\d+)")


@dataclass(frozen=True)
class Term:
    """A word, a prefix (``word*``) or a phrase, as written; ``column`` is where it starts."""

    text: str
    column: int
    prefix: bool = False
    phrase: bool = False


@dataclass(frozen=True)
class Meta:
    """A feed-metadata filter such as ``lang:fa`` (value lower-cased; ``prefix`` for ``*``)."""

    field: str
    value: str
    column: int
    prefix: bool = False


@dataclass(frozen=True)
class InTitle:
    child: Node
    column: int


@dataclass(frozen=True)
class Not:
    child: Node
    column: int


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Near:
    left: Node
    right: Node
    distance: int
    column: int


Node = Term | Meta | InTitle | Not | And | Or | Near


@dataclass(frozen=True)
class _Tok:
    kind: str  # ( ) PHRASE WORD AND OR NOT - NEAR FIELD END
    text: str
    column: int
    end: int  # column just past the token
    number: int = 0


def _fail(column: int, message: str) -> QueryError:
    return QueryError([(column, message)])


def tokenise(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            toks.append(_Tok(c, c, i, i + 1))
            i += 1
        elif c in _QUOTES:
            close = query.find(_QUOTES[c], i + 1)
            if close < 0:
                raise _fail(i, f"unbalanced quote: the phrase opened at column {i} is never closed")
            toks.append(_Tok("PHRASE", query[i + 1 : close], i, close + 1))
            i = close + 1
        elif c in _STOP:
            raise _fail(i, f"closing quote {c} at column {i} has no opening quote")
        elif c == "-" and (toks == [] or toks[-1].end < i or toks[-1].kind in ("(", "-", "NOT")):
            if i + 1 >= n or query[i + 1].isspace() or query[i + 1] == ")":
                raise _fail(i, f"'-' at column {i} must be followed by a term")
            toks.append(_Tok("-", "-", i, i + 1))
            i += 1
        else:
            j = i
            while j < n and query[j] not in _STOP:
                j += 1
            toks.extend(_word_tokens(query[i:j], i))
            i = j
    toks.append(_Tok("END", "", n, n))
    return toks


def _word_tokens(word: str, col: int) -> list[_Tok]:
    end = col + len(word)
    if word in ("AND", "OR", "NOT"):
        return [_Tok(word, word, col, end)]
    if word.startswith("NEAR"):
        m = _NEAR.fullmatch(word)
        if not m:
            raise _fail(
                col, f"'{word}' at column {col}: NEAR needs a number of words, as in NEAR/5"
            )
        distance = int(m[1])
        if not 1 <= distance <= MAX_NEAR:
            raise _fail(
                col, f"NEAR/{distance} at column {col}: the distance must be 1 to {MAX_NEAR}"
            )
        return [_Tok("NEAR", word, col, end, distance)]
    m = _FIELD.match(word)
    if m:
        name = m[1].lower()
        if name not in FIELDS:
            close = difflib.get_close_matches(name, FIELDS, n=1)
            hint = f" (did you mean {close[0]}:?)" if close else f" (fields: {', '.join(FIELDS)})"
            raise _fail(col, f"unknown field '{m[1]}:' at column {col}{hint}")
        field_end = col + len(m[0])
        field = _Tok("FIELD", name, col, field_end)
        rest = word[len(m[0]) :]
        return [field, _Tok("WORD", rest, field_end, end)] if rest else [field]
    return [_Tok("WORD", word, col, end)]


def parse(query: str) -> Node:
    """The syntax tree of ``query``; raises ``QueryError`` at the first syntax error."""
    if not query.strip():
        raise _fail(0, "empty query")
    parser = _Parser(query, tokenise(query))
    node = parser.or_expr(0)
    tok = parser.peek()
    if tok.kind == ")":
        raise _fail(tok.column, f"')' at column {tok.column} has no matching '('")
    if tok.kind != "END":  # pragma: no cover - every other token starts an operand
        raise _fail(tok.column, f"unexpected '{tok.text}' at column {tok.column}")
    return node


_STARTS = frozenset(("(", "PHRASE", "WORD", "NOT", "-", "FIELD"))


class _Parser:
    def __init__(self, query: str, toks: list[_Tok]) -> None:
        self.query = query
        self.toks = toks
        self.pos = 0
        self.terms = 0

    def peek(self) -> _Tok:
        return self.toks[self.pos]

    def take(self) -> _Tok:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def operand_after(self, op: _Tok) -> None:
        if self.peek().kind not in _STARTS:
            raise _fail(op.column, f"'{op.text}' at column {op.column} needs a term after it")

    def or_expr(self, depth: int) -> Node:
        items = [self.and_expr(depth)]
        while self.peek().kind == "OR":
            self.operand_after(self.take())
            items.append(self.and_expr(depth))
        return items[0] if len(items) == 1 else Or(_flat(items, Or))

    def and_expr(self, depth: int) -> Node:
        items = [self.near(depth)]
        while True:
            tok = self.peek()
            if tok.kind == "AND":
                self.operand_after(self.take())
            elif tok.kind not in _STARTS:
                break
            items.append(self.near(depth))
        return items[0] if len(items) == 1 else And(_flat(items, And))

    def near(self, depth: int) -> Node:
        node = self.unary(depth)
        while self.peek().kind == "NEAR":
            op = self.take()
            self.operand_after(op)
            depth = self.deeper(depth, op)
            node = Near(node, self.unary(depth), op.number, op.column)
        return node

    def deeper(self, depth: int, tok: _Tok) -> int:
        if depth + 1 > MAX_DEPTH:
            raise _fail(tok.column, f"nested too deeply at column {tok.column} (limit {MAX_DEPTH})")
        return depth + 1

    def unary(self, depth: int) -> Node:
        tok = self.peek()
        if tok.kind in ("NOT", "-"):
            self.take()
            self.operand_after(tok)
            return Not(self.unary(self.deeper(depth, tok)), tok.column)
        return self.primary(depth)

    def primary(self, depth: int) -> Node:
        tok = self.take()
        if tok.kind == "(":
            inner_depth = self.deeper(depth, tok)
            if self.peek().kind == ")":
                raise _fail(tok.column, f"'(' at column {tok.column} has nothing inside")
            node = self.or_expr(inner_depth)
            if self.peek().kind != ")":
                raise _fail(
                    tok.column,
                    f"unbalanced parenthesis: '(' at column {tok.column} is never closed",
                )
            self.take()
            return node
        if tok.kind == "FIELD":
            return self.field(tok, depth)
        if tok.kind in ("PHRASE", "WORD"):
            return self.term(tok)
        if tok.kind == "END":  # pragma: no cover - operand_after checks first
            raise _fail(tok.column, "the query ends where a term was expected")
        raise _fail(tok.column, f"'{tok.text}' at column {tok.column} needs a term before it")

    def term(self, tok: _Tok) -> Term:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise _fail(tok.column, f"too many terms (limit {MAX_TERMS})")
        text = tok.text
        col = tok.column + (1 if tok.kind == "PHRASE" else 0)
        star = text.find("*")
        if star >= 0 and star != len(text) - 1:
            raise _fail(col + star, f"'*' at column {col + star} may only end a word")
        prefix = star >= 0
        return Term(text[:-1] if prefix else text, tok.column, prefix, tok.kind == "PHRASE")

    def field(self, tok: _Tok, depth: int) -> Node:
        value = self.peek()
        if value.column != tok.end or value.kind not in ("WORD", "PHRASE", "("):
            raise _fail(
                tok.column,
                f"'{tok.text}:' at column {tok.column} needs a value right after the colon",
            )
        if tok.text == "title":
            return InTitle(self.primary(self.deeper(depth, tok)), tok.column)
        if value.kind == "(":
            raise _fail(
                value.column,
                f"'{tok.text}:' takes one value; write ({tok.text}:a OR {tok.text}:b) for several",
            )
        self.take()
        text = value.text.strip()
        prefix = text.endswith("*")
        text = text.rstrip("*").strip()
        if not text or "*" in text:
            raise _fail(value.column, f"'{tok.text}:' at column {tok.column} needs a value")
        return Meta(tok.text, text.lower(), tok.column, prefix)


def _flat(items: list[Node], kind: type[And] | type[Or]) -> tuple[Node, ...]:
    out: list[Node] = []
    for item in items:
        out.extend(item.children if isinstance(item, kind) else (item,))
    return tuple(out)
