"""Expressions of SPARQL 1.1 (productions [68]-[72], [110]-[128] of section 19.8).

The binary levels ([110]-[117]) are read by one loop, so that a chain of ``||``, ``&&``, ``+``,
``*`` ... costs no recursion, with the grammar's two limits: at most one comparison (or IN)
between two ``&&``/``||``, and nothing but ``&&``/``||`` after an IN list. A signed number
after an operand is an addition ([116]: ``?x -1`` is ``?x - 1``). A unary operator takes a
primary expression ([118]): ``!!x`` is not SPARQL 1.1.

Aggregates may be used only in SELECT, HAVING and ORDER BY (note 10 of 19.8); the variables a
projection expression uses outside aggregates are collected for the checks of a grouped query.
"""

from __future__ import annotations

from dprk_ld.endpoint.sparql_core import PNAMES, ParserCore
from dprk_ld.endpoint.sparql_lexer import BUILTINS_1, BUILTINS_2, NUMBERS

COMPARISONS = frozenset({"=", "!=", "<", ">", "<=", ">="})
ARITHMETIC = frozenset({"+", "-", "*", "/"})
UNARY = frozenset({"!", "+", "-"})
#: built-in calls by their arguments: (least, most) expressions in brackets
CALLS: dict[str, tuple[int, int]] = {
    **{name: (1, 1) for name in BUILTINS_1.split()},
    **{name: (2, 2) for name in BUILTINS_2.split()},
    "IF": (3, 3), "REGEX": (2, 3), "SUBSTR": (2, 3), "REPLACE": (3, 4),
}
NO_ARGUMENTS = frozenset({"RAND", "NOW", "UUID", "STRUUID"})
AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"})
LITERALS = NUMBERS | {"TRUE", "FALSE"}


class ExpressionRules(ParserCore):
    """The expression rules."""

    def expression(self) -> None:
        """[110]-[117] operands joined by binary operators (see the module's docstring)."""
        compared = closed = False
        self.operand()
        while True:
            kind = self.tok[0]
            if kind in ("||", "&&"):
                compared = closed = False
            elif closed:
                return
            elif kind in ARITHMETIC:
                pass
            elif kind in COMPARISONS:
                if compared:
                    raise self.fail("'&&', '||' or ')' (one comparison at a time)")
                compared = True
                self.advance()
                self.operand()
                continue
            elif kind in NUMBERS and self.tok[1][0] in "+-":
                self.operator()  # the sign is the operator, the number the operand
                continue
            elif kind == "IN" or (kind == "NOT" and self.peek()[0] == "IN"):
                if compared:
                    raise self.fail("'&&', '||' or ')' (one comparison at a time)")
                compared = closed = True
                self.advance()
                if kind == "NOT":
                    self.advance()
                self.expression_list()
                continue
            else:
                return
            self.operator()
            self.operand()

    def operand(self) -> None:
        """[118] UnaryExpression: at most one ``!``, ``+`` or ``-``, then a primary one."""
        if self.tok[0] in UNARY:
            self.operator()
            if self.tok[0] in UNARY:
                raise self.invalid(self.tok, f"expected an operand, found {self.tok[1]!r}: "
                                             "SPARQL 1.1 takes one unary operator (!, + or -) "
                                             "before an operand")
        self.primary()

    def primary(self) -> None:
        """[119] PrimaryExpression."""
        kind = self.tok[0]
        if kind == "(":
            self.open("(")
            self.expression()
            self.close(")")
        elif kind == "var":
            self.use_var(self.var())
        elif kind in LITERALS:
            self.advance()
        elif kind == "string":
            self.rdf_literal()
        elif kind == "iri" or kind in PNAMES:
            self.iri()
            if self.tok[0] in ("(", "nil"):
                self.arguments()
        else:
            self.call()

    def use_var(self, name: str) -> None:
        if self.expression_vars is not None and not self.in_aggregate:
            self.expression_vars.add(name)

    def constraint(self) -> None:
        """[69] Constraint: an expression in brackets, a built-in call or a function call."""
        kind = self.tok[0]
        if kind == "(":
            self.open("(")
            self.expression()
            self.close(")")
        elif kind == "iri" or kind in PNAMES:
            self.iri()
            self.arguments()
        else:
            self.call()

    def call(self) -> None:
        """[121]-[127] BuiltInCall (aggregates, EXISTS and NOT EXISTS included)."""
        token = self.tok
        name = token[0]
        if name in CALLS:
            least, most = CALLS[name]
            self.advance()
            self.open("(")
            self.expression()
            count = 1
            while count < most and self.accept(","):
                self.expression()
                count += 1
            if count < least:
                raise self.fail(f"{least} arguments to {name}")
            self.close(")")
        elif name in NO_ARGUMENTS:
            self.advance()
            self.expect("nil", "'()'")
        elif name in ("COALESCE", "CONCAT"):
            self.advance()
            self.expression_list()
        elif name == "BNODE":
            self.advance()
            if not self.accept("nil"):
                self.bracketed()
        elif name == "BOUND":
            self.advance()
            self.open("(")
            self.use_var(self.var())
            self.close(")")
        elif name in ("EXISTS", "NOT"):
            self.advance()
            if name == "NOT":
                self.expect("EXISTS", "EXISTS")
            self.group_graph_pattern()
        elif name in AGGREGATES:
            self.aggregate()
        else:
            raise self.fail("an expression")

    def bracketed(self) -> None:
        """[120] ``( Expression )``."""
        self.open("(")
        self.expression()
        self.close(")")

    def aggregate(self) -> None:
        """[127] Aggregate: only in SELECT, HAVING and ORDER BY (note 10)."""
        token = self.tok
        if not self.aggregates_allowed or self.level is None:
            raise self.invalid(token, f"{token[1]} is an aggregate: aggregates may be used in "
                                      "SELECT, HAVING and ORDER BY only")
        self.level.aggregate = True
        self.advance()
        self.open("(")
        self.accept("DISTINCT")
        self.in_aggregate += 1
        if token[0] != "COUNT" or not self.accept("*"):
            self.expression()
        if token[0] == "GROUP_CONCAT" and self.accept(";"):
            self.expect("SEPARATOR", "SEPARATOR")
            self.expect("=", "'='")
            self.expect("string", "a string")
        self.in_aggregate -= 1
        self.close(")")

    def arguments(self) -> None:
        """[71] ArgList of a function call: ``()``, or expressions (DISTINCT first allowed,
        for custom aggregates)."""
        if self.accept("nil"):
            return
        self.open("(")
        self.accept("DISTINCT")
        self.expression()
        while self.accept(","):
            self.expression()
        self.close(")")

    def expression_list(self) -> None:
        """[72] ExpressionList: ``()``, or expressions separated by commas."""
        if self.accept("nil"):
            return
        self.open("(")
        self.expression()
        while self.accept(","):
            self.expression()
        self.close(")")
