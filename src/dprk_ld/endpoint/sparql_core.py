"""What every rule of the SPARQL 1.1 parser shares: the token cursor, the refusals, the nesting
depth and the operator count, the terms ([106]-[109], [128]-[138]) and the state that the rules
of section 18.2.1 (variable scope) and 19.6 (blank node labels) need.

The rules themselves are spread over ``sparql_patterns`` (graph patterns, triples, paths),
``sparql_expressions`` and ``sparql_parser`` (prologue, query forms, solution modifiers); a
rule that calls one defined in another module finds it on ``self`` (the stubs below).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dprk_ld.endpoint.errors import QueryError, refused
from dprk_ld.endpoint.sparql_lexer import NUMBERS, Source, Token

#: tokens a term of a triple pattern ([106] VarOrTerm) may start with
TERM_START = frozenset({"var", "iri", "pname_ns", "pname_ln", "string", "integer", "decimal",
                        "double", "TRUE", "FALSE", "bnode", "anon", "nil"})
PNAMES = frozenset({"pname_ns", "pname_ln"})
IRIS = frozenset({"iri", "pname_ns", "pname_ln"})


@dataclass
class Level:
    """One SELECT (the query's, or a subquery's): what its projection checks need."""

    star: bool = False
    start: int = 0  # where its SELECT keyword is
    #: what it projects: (variable, the variables its expression uses outside aggregates (None
    #: for a plain variable), where it is)
    items: list[tuple[str, set[str] | None, int]] = field(default_factory=list)
    aggregate: bool = False  # an aggregate in SELECT, HAVING or ORDER BY
    grouped: bool = False  # a GROUP BY clause
    keys: set[str] = field(default_factory=set)  # the variables GROUP BY names


class ParserCore:
    """The state of one parse, and what every rule uses."""

    def __init__(self, tokens: list[Token], source: Source, max_depth: int) -> None:
        self.tokens = tokens
        self.source = source
        self.i = 0
        self.tok: Token = tokens[0]
        self.depth = 0
        self.max_depth = 0
        self.depth_limit = max_depth
        self.operators = 0
        self.prefixes: set[str] = set()
        self.service = False
        # variable scope (18.2.1): the variables in scope in the group being read; for a
        # projection expression, the variables it uses outside aggregates
        self.scope: set[str] = set()
        self.expression_vars: set[str] | None = None
        self.in_aggregate = 0
        self.aggregates_allowed = False
        self.level: Level | None = None
        # blank node labels (19.6): the basic graph pattern each label was first used in
        self.labels: dict[str, int] = {}
        self.bgp = 0
        self._bgps = 0
        self.track_labels = True

    # -- the cursor -------------------------------------------------------------------------------

    def advance(self) -> None:
        self.i += 1
        self.tok = self.tokens[self.i]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def accept(self, kind: str) -> bool:
        """Take the current token if it is of ``kind``."""
        if self.tok[0] == kind:
            self.advance()
            return True
        return False

    def expect(self, kind: str, what: str | None = None) -> Token:
        token = self.tok
        if token[0] != kind:
            raise self.fail(what or repr(kind))
        self.advance()
        return token

    def fail(self, expected: str, token: Token | None = None) -> QueryError:
        """The syntax error for finding the current token (or ``token``) where ``expected``
        was due; a token the lexer could not read is reported as such."""
        token = token or self.tok
        if token[0] == "error":
            return self.source.error(token[2], token[1])
        return self.source.error(token[2], f"expected {expected}, found {describe(token)}")

    def invalid(self, token: Token, what: str) -> QueryError:
        """The syntax error for a rule of the spec's notes broken at ``token``."""
        return self.source.error(token[2], what)

    # -- depth and operators ----------------------------------------------------------------------

    def open(self, kind: str) -> None:
        """Take an opening bracket: one level deeper, refused past the limit."""
        self.expect(kind)
        self.depth += 1
        if self.depth > self.max_depth:
            self.max_depth = self.depth
            if self.depth > self.depth_limit:
                raise refused("query_too_deep", f"The query nests brackets more than "
                              f"{self.depth_limit} deep; the limit is {self.depth_limit}.",
                              limit=self.depth_limit)

    def close(self, kind: str) -> None:
        self.expect(kind)
        self.depth -= 1

    def operator(self) -> None:
        """Take an operator that chains (the engine recurses once more for each)."""
        self.operators += 1
        self.advance()

    # -- terms ------------------------------------------------------------------------------------

    def iri(self) -> None:
        """[136] iri: an IRI reference, or a prefixed name whose prefix is declared."""
        kind = self.tok[0]
        if kind in PNAMES:
            self.check_prefix(self.tok)
        elif kind != "iri":
            raise self.fail("an IRI")
        self.advance()

    def check_prefix(self, token: Token) -> None:
        if token[1][:token[1].index(":")] not in self.prefixes:
            raise self.invalid(token, f"the prefix of {token[1]} is not declared")

    def var(self) -> str:
        """[108] Var: its name (``?x`` and ``$x`` are one variable)."""
        return self.expect("var", "a variable")[1][1:]

    def var_or_iri(self) -> str | None:
        """[107] VarOrIri: the variable's name, or None for an IRI."""
        if self.tok[0] == "var":
            return self.var()
        self.iri()
        return None

    def var_or_term(self) -> None:
        """[106] VarOrTerm; a variable is in scope, a blank node label is checked (19.6)."""
        kind = self.tok[0]
        if kind == "var":
            self.scope.add(self.tok[1][1:])
        elif kind == "string":
            self.rdf_literal()
            return
        elif kind in PNAMES:
            self.check_prefix(self.tok)
        elif kind == "bnode":
            self.label(self.tok)
        elif kind not in TERM_START:
            raise self.fail("a variable or an RDF term")
        self.advance()

    def rdf_literal(self) -> None:
        """[129] RDFLiteral: a string, then a language tag or ``^^`` and an IRI."""
        self.expect("string", "a string")
        if self.tok[0] == "langtag":
            self.advance()
        elif self.accept("^^"):
            self.iri()

    def data_value(self) -> None:
        """[65] DataBlockValue."""
        kind = self.tok[0]
        if kind == "string":
            self.rdf_literal()
        elif kind in IRIS:
            self.iri()
        elif kind in NUMBERS or kind in ("TRUE", "FALSE", "UNDEF"):
            self.advance()
        else:
            raise self.fail("an IRI, a literal or UNDEF")

    # -- blank node labels (19.6) -----------------------------------------------------------------

    def new_bgp(self) -> None:
        """The triples read from now on are another basic graph pattern."""
        self._bgps += 1
        self.bgp = self._bgps

    def label(self, token: Token) -> None:
        """A blank node label may not be used in two basic graph patterns of a query."""
        if not self.track_labels:
            return
        first = self.labels.setdefault(token[1], self.bgp)
        if first != self.bgp:
            raise self.invalid(token, f"the blank node label {token[1]} is used in two basic "
                                      "graph patterns")

    # -- rules defined in the other modules -------------------------------------------------------

    def expression(self) -> None:  # pragma: no cover - see sparql_expressions
        raise NotImplementedError

    def group_graph_pattern(self) -> set[str]:  # pragma: no cover - see sparql_patterns
        raise NotImplementedError

    def sub_select(self) -> set[str]:  # pragma: no cover - see sparql_parser
        raise NotImplementedError


def describe(token: Token) -> str:
    """A token as an error message names it."""
    if token[0] == "end":
        return "the end of the query"
    text = token[1]
    return repr(text if len(text) <= 40 else text[:37] + "...")
