"""A parser of the SPARQL 1.1 Query grammar (W3C SPARQL 1.1 Query Language, section 19), for the
endpoint's pre-check: it decides whether a text is a query, and what the pre-check must know of
it, evaluating nothing.

:func:`parse` reads the prologue and the query forms here (productions [1]-[28]); graph
patterns are in ``sparql_patterns``, expressions in ``sparql_expressions``, terminals in
``sparql_lexer``. Besides the grammar it checks what sections 18.2.1, 19.6 and the notes of
19.8 require of a query: declared prefixes, VALUES rows as long as their variables, a BIND or
``(... AS ?v)`` that assigns no variable already in scope, no variable projected twice, a
grouped query projecting grouped variables only (and not ``*``), aggregates in SELECT,
HAVING and ORDER BY only, a blank node label in one basic graph pattern only.

An update (SPARQL 1.1 Update) is recognised by its first keyword after the prologue and not
read further: it is refused whatever follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dprk_ld.endpoint.errors import QueryError
from dprk_ld.endpoint.sparql_core import IRIS, Level
from dprk_ld.endpoint.sparql_expressions import AGGREGATES, CALLS, NO_ARGUMENTS, ExpressionRules
from dprk_ld.endpoint.sparql_lexer import Source, Token, tokenize
from dprk_ld.endpoint.sparql_patterns import PatternRules

#: the keywords an update operation starts with ([30]-[42])
UPDATE_START = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE",
                          "ADD", "WITH"})
FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


@dataclass
class Parsed:
    """What a parse learnt of a text."""

    form: str  # SELECT, CONSTRUCT, DESCRIBE, ASK, or the first keyword of an update
    tokens: list[Token] = field(repr=False)
    service: bool = False  # a SERVICE pattern anywhere
    dataset_clause: bool = False  # FROM / FROM NAMED of the query itself
    top_limit: int | None = None  # LIMIT of the query itself (not of a subquery)
    max_depth: int = 0
    operators: int = 0

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_START


class Parser(PatternRules, ExpressionRules):
    """The whole grammar; :meth:`query` reads a text from its first token to its last."""

    def query(self) -> Parsed:
        """[1]-[2] QueryUnit (or the start of an UpdateUnit, [3])."""
        self.prologue()
        kind = self.tok[0]
        found = Parsed(kind if kind in UPDATE_START or kind in FORMS else "", self.tokens)
        if found.is_update:
            return found
        top = Level(start=self.tok[2])
        self.level = top
        if kind == "SELECT":
            found.dataset_clause, found.top_limit = self.select_query(top)
        elif kind == "CONSTRUCT":
            found.dataset_clause, found.top_limit = self.construct_query()
        elif kind in ("DESCRIBE", "ASK"):
            found.dataset_clause, found.top_limit = self.describe_or_ask(kind)
        else:
            raise self.fail("SELECT, CONSTRUCT, DESCRIBE, ASK, or BASE or PREFIX")
        if self.tok[0] != "end":
            raise self.fail("the end of the query")
        found.service, found.max_depth, found.operators = (self.service, self.max_depth,
                                                           self.operators)
        return found

    def prologue(self) -> None:
        """[4]-[6] BASE and PREFIX declarations, in any order."""
        while True:
            if self.accept("BASE"):
                self.expect("iri", "an IRI in angle brackets")
            elif self.accept("PREFIX"):
                name = self.expect("pname_ns", "a prefix such as ex:")[1]
                self.expect("iri", "an IRI in angle brackets")
                self.prefixes.add(name[:-1])
            else:
                return

    # -- the query forms --------------------------------------------------------------------------

    def select_query(self, level: Level) -> tuple[bool, int | None]:
        """[7] SelectQuery, then the query's ValuesClause."""
        self.select_clause(level)
        dataset = self.dataset_clauses()
        scope = self.where_clause()
        limit = self.solution_modifier(level)
        self.finish(level, scope, self.values_clause())
        return dataset, limit

    def sub_select(self) -> set[str]:
        """[8] SubSelect: the variables it projects are in scope outside it."""
        outer = self.level
        level = self.level = Level(start=self.tok[2])
        self.select_clause(level)
        scope = self.where_clause()
        self.solution_modifier(level)
        projected = self.finish(level, scope, self.values_clause())
        self.level = outer
        return projected

    def construct_query(self) -> tuple[bool, int | None]:
        """[10] ConstructQuery: a template then a WHERE clause, or ``CONSTRUCT WHERE``."""
        self.advance()
        if self.tok[0] == "{":
            self.open("{")
            self.track_labels = False  # a template's labels name new blank nodes
            self.template()
            self.track_labels = True
            self.close("}")
            dataset = self.dataset_clauses()
            self.where_clause()
        else:
            dataset = self.dataset_clauses()
            self.expect("WHERE", "WHERE or a template")
            self.open("{")
            self.new_bgp()
            self.template()
            self.close("}")
        limit = self.solution_modifier(self.level)  # type: ignore[arg-type]
        self.values_clause()
        return dataset, limit

    def describe_or_ask(self, kind: str) -> tuple[bool, int | None]:
        """[11] DescribeQuery, [12] AskQuery."""
        self.advance()
        if kind == "DESCRIBE" and not self.accept("*"):
            self.var_or_iri()
            while self.tok[0] == "var" or self.tok[0] in IRIS:
                self.var_or_iri()
        dataset = self.dataset_clauses()
        if kind == "ASK" or self.tok[0] in ("WHERE", "{"):
            self.where_clause()
        limit = self.solution_modifier(self.level)  # type: ignore[arg-type]
        self.values_clause()
        return dataset, limit

    def select_clause(self, level: Level) -> None:
        """[9] SelectClause: what the level projects."""
        self.expect("SELECT", "SELECT")
        if not self.accept("DISTINCT"):
            self.accept("REDUCED")
        if self.accept("*"):
            level.star = True
            return
        while True:
            token = self.tok
            if token[0] == "var":
                level.items.append((self.var(), None, token[2]))
            elif token[0] == "(":
                self.open("(")
                self.expression_vars, self.aggregates_allowed = set(), True
                self.expression()
                used = self.expression_vars
                self.expression_vars, self.aggregates_allowed = None, False
                self.expect("AS", "AS")
                at = self.tok[2]
                level.items.append((self.var(), used, at))
                self.close(")")
            elif level.items:
                return
            else:
                raise self.fail("a variable, '(' or '*'")

    def dataset_clauses(self) -> bool:
        """[13]-[16] FROM and FROM NAMED: whether there is one."""
        found = False
        while self.accept("FROM"):
            self.accept("NAMED")
            self.iri()
            found = True
        return found

    def where_clause(self) -> set[str]:
        """[17] WhereClause: the variables in scope in it."""
        self.accept("WHERE")
        if self.tok[0] != "{":
            raise self.fail("'{'")
        return self.group_graph_pattern()

    def values_clause(self) -> list[str]:
        """[28] ValuesClause: its variables."""
        if self.accept("VALUES"):
            return self.data_block()
        return []

    # -- solution modifiers -----------------------------------------------------------------------

    def solution_modifier(self, level: Level) -> int | None:
        """[18]-[27] GROUP BY, HAVING, ORDER BY, LIMIT and OFFSET: the LIMIT, if any."""
        if self.accept("GROUP"):
            self.expect("BY", "BY")
            level.grouped = True
            self.group_condition(level)
            while self.tok[0] in ("var", "(", "iri", "pname_ns", "pname_ln") or self._call():
                self.group_condition(level)
        self.aggregates_allowed = True
        if self.accept("HAVING"):
            self.constraint()
            while self.tok[0] in ("(", "iri", "pname_ns", "pname_ln") or self._call():
                self.constraint()
        if self.tok[0] == "ORDER":
            self.advance()
            self.expect("BY", "BY")
            self.order_condition()
            while self.tok[0] in ("var", "(", "iri", "pname_ns", "pname_ln", "ASC", "DESC") \
                    or self._call():
                self.order_condition()
        self.aggregates_allowed = False
        return self.limit_offset()

    def _call(self) -> bool:
        """Whether the current token starts a built-in call."""
        kind = self.tok[0]
        return kind in CALLS or kind in NO_ARGUMENTS or kind in AGGREGATES or kind in (
            "COALESCE", "CONCAT", "BNODE", "BOUND", "EXISTS", "NOT")

    def group_condition(self, level: Level) -> None:
        """[20] GroupCondition; the variables it names are grouped."""
        kind = self.tok[0]
        if kind == "var":
            level.keys.add(self.var())
        elif kind == "(":
            if self.peek()[0] == "var" and self.peek(2)[0] == ")":
                level.keys.add(self.peek()[1][1:])  # (?x) groups by ?x
            self.open("(")
            self.expression()
            if self.accept("AS"):
                level.keys.add(self.var())
            self.close(")")
        else:
            self.constraint()

    def order_condition(self) -> None:
        """[24] OrderCondition."""
        if self.tok[0] in ("ASC", "DESC"):
            self.advance()
            self.bracketed()
        elif not self.accept("var"):
            self.constraint()

    def limit_offset(self) -> int | None:
        """[25]-[27] LIMIT then OFFSET, or OFFSET then LIMIT: the LIMIT, if any."""
        limit = None
        seen = ""
        while self.tok[0] in ("LIMIT", "OFFSET") and self.tok[0] != seen and seen != "both":
            kind = self.tok[0]
            seen = "both" if seen else kind
            self.advance()
            number = self.tok
            if number[0] != "integer" or number[1][0] in "+-":
                raise self.fail("an integer")
            self.advance()
            if kind == "LIMIT":
                limit = int(number[1])
        return limit

    # -- the projection checks (18.2.1, 18.2.4.1) -------------------------------------------------

    def finish(self, level: Level, scope: set[str], values: list[str]) -> set[str]:
        """Check what ``level`` projects; the variables it projects."""
        grouped = level.grouped or level.aggregate
        if level.star:
            if grouped:
                raise self.source.error(level.start, "SELECT * cannot be used with GROUP BY "
                                                     "or aggregates")
            return scope | set(values)
        visible = (level.keys if grouped else scope) | set(values)
        projected: set[str] = set()
        for name, used, at in level.items:
            if used is None and grouped and name not in visible:
                raise self.source.error(at, f"?{name} is projected but neither grouped nor "
                                            "in an aggregate")
            if used is not None and name in visible:
                raise self.source.error(at, f"?{name} is already in scope: (... AS ?{name}) "
                                            "cannot assign it")
            if used is not None and grouped and not used <= visible:
                other = sorted(used - visible)[0]
                raise self.source.error(at, f"?{other} is used in a projection but neither "
                                            "grouped nor in an aggregate")
            if name in projected:
                raise self.source.error(at, f"?{name} is projected twice")
            projected.add(name)
        return projected


def parse(source: Source, max_depth: int, engine: bool = False) -> Parsed:
    """Parse ``source.text`` (with ``engine``, as the engine reads escapes: see
    ``sparql_lexer``). Raises :class:`QueryError`: ``query_syntax`` (line and column in its
    details), ``query_too_deep`` as soon as brackets nest past ``max_depth``, and
    ``service_refused`` for a text that is no query but holds SERVICE."""
    tokens = tokenize(source.text, engine)
    parser = Parser(tokens, source, max_depth)
    try:
        return parser.query()
    except QueryError as exc:
        if exc.code == "query_syntax" and (
                parser.service or any(token[0] == "SERVICE" for token in tokens)):
            raise service_refused(exc) from None
        raise
    except RecursionError:  # only if the depth limit is set past what Python's stack allows
        raise QueryError("query_too_deep", "The query nests brackets deeper than this server "
                         "can read.", {"limit": max_depth}) from None


def service_refused(syntax: QueryError | None = None) -> QueryError:
    """The refusal of SERVICE; for a text that is no query either, with its syntax error (the
    message appended, the line and column in the details)."""
    message = ("SERVICE (federated query) is not allowed on this endpoint: it never makes an "
               "outbound request.")
    if syntax is None:
        return QueryError("service_refused", message)
    return QueryError("service_refused", f"{message} (Nor is the text a query: "
                      f"{syntax.message}.)", syntax.details)
