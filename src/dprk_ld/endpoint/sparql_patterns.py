"""Graph patterns of SPARQL 1.1: groups, the patterns between triples, triples, property paths
and inline data (productions [52]-[67], [73]-[105] of section 19.8).

Chains (UNION, a sequence of OPTIONAL or MINUS, path ``/`` and ``|``) are read by loops and
counted as operators; recursion happens only inside brackets, whose depth is limited. Each
group knows the variables in scope in it (18.2.1): a BIND may not assign one of them.
"""

from __future__ import annotations

from dprk_ld.endpoint.sparql_core import IRIS, PNAMES, TERM_START, ParserCore

#: what may start a GraphPatternNotTriples ([56])
NOT_TRIPLES = frozenset({"{", "OPTIONAL", "MINUS", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES"})
#: what may start a triple pattern ([81], [75])
TRIPLES_START = TERM_START | {"(", "["}
#: what may start a verb of a property list with paths ([83]-[85], [94])
PATH_VERB_START = frozenset({"var", "iri", "pname_ns", "pname_ln", "a", "^", "!", "("})
PATH_MODIFIERS = frozenset({"?", "*", "+"})


class PatternRules(ParserCore):
    """The graph pattern rules."""

    def group_graph_pattern(self) -> set[str]:
        """[53] ``{ SubSelect | GroupGraphPatternSub }``: the variables in scope in it."""
        self.open("{")
        saved = (self.scope, self.bgp, self.expression_vars, self.in_aggregate,
                 self.aggregates_allowed)
        self.scope = set()
        self.expression_vars, self.in_aggregate, self.aggregates_allowed = None, 0, False
        self.new_bgp()
        if self.tok[0] == "SELECT":
            found = self.sub_select()
        else:
            self.group_body()
            found = self.scope
        (self.scope, self.bgp, self.expression_vars, self.in_aggregate,
         self.aggregates_allowed) = saved
        self.close("}")
        return found

    def group_body(self) -> None:
        """[54]-[55] triples blocks and the patterns between them, up to the closing ``}``."""
        while True:
            kind = self.tok[0]
            if kind == "}":
                return
            if kind in TRIPLES_START:
                self._glued_service()
                self.triples_path()
                if not self.accept("."):
                    self._glued_service()
                    if self.tok[0] != "}" and self.tok[0] not in NOT_TRIPLES:
                        raise self.fail("'.', '}' or a graph pattern")
            elif kind in NOT_TRIPLES:
                if kind != "FILTER":
                    self.not_triples()
                    self.new_bgp()  # the triples after it are another basic graph pattern
                else:
                    self.operator()
                    self.constraint()
                self.accept(".")
            else:
                raise self.fail("a triple pattern, a graph pattern or '}'")

    def _glued_service(self) -> None:
        """The engine reads a keyword at the start of a longer word: where a triple pattern
        cannot go on (``SERVICEx:y {`` or ``SERVICE:{``: a prefixed name, then ``{``), it
        reads SERVICE and a graph name. Such a text is not SPARQL 1.1; refused as SERVICE."""
        token = self.tok
        if token[0] in PNAMES and token[1][:7].upper() == "SERVICE" and self.peek()[0] == "{":
            self.service = True
            raise self.invalid(token, "SERVICE glued to the name after it")

    def not_triples(self) -> None:
        """[56]-[67] a GraphPatternNotTriples other than FILTER; what it binds is in scope."""
        kind = self.tok[0]
        if kind == "{":
            found = self.group_graph_pattern()
            while self.tok[0] == "UNION":
                self.operator()
                found = found | self.group_graph_pattern()
            self.scope |= found
        elif kind in ("OPTIONAL", "MINUS"):
            self.operator()
            found = self.group_graph_pattern()
            if kind == "OPTIONAL":  # what MINUS matches is never in scope
                self.scope |= found
        elif kind in ("GRAPH", "SERVICE"):
            if kind == "SERVICE":
                self.service = True
            self.advance()
            if kind == "SERVICE":
                self.accept("SILENT")
            name = self.var_or_iri()
            self.scope |= self.group_graph_pattern()
            if name is not None:
                self.scope.add(name)
        elif kind == "BIND":
            self.bind()
        else:
            self.advance()
            self.scope.update(self.data_block())

    def bind(self) -> None:
        """[60] ``BIND ( Expression AS Var )``: the variable must not be in scope yet."""
        self.operator()
        self.open("(")
        self.expression()
        self.expect("AS", "AS")
        token = self.tok
        name = self.var()
        if name in self.scope:
            raise self.invalid(token, f"BIND assigns {token[1]}, already in scope in its group")
        self.scope.add(name)
        self.close(")")

    def data_block(self) -> list[str]:
        """[62]-[64] the data of VALUES: its variables (each row holds as many values)."""
        if self.tok[0] == "var":
            names = [self.var()]
            self.open("{")
            while self.tok[0] != "}":
                self.data_value()
            self.close("}")
            return names
        names = []
        if not self.accept("nil"):
            self.open("(")
            while self.tok[0] == "var":
                names.append(self.var())
            self.close(")")
        self.open("{")
        while self.tok[0] != "}":
            row = self.tok
            count = 0
            if not self.accept("nil"):
                self.open("(")
                while self.tok[0] != ")":
                    self.data_value()
                    count += 1
                self.close(")")
            if count != len(names):
                raise self.invalid(row, f"a row of VALUES holds {count} values for "
                                        f"{len(names)} variables")
        self.close("}")
        return names

    # -- triples ----------------------------------------------------------------------------------

    def triples_path(self) -> None:
        """[81] TriplesSameSubjectPath."""
        self.triples(True)

    def triples(self, paths: bool) -> None:
        """[75] / [81]: a subject and its properties (``paths``: property paths allowed)."""
        kind = self.tok[0]
        if kind in ("[", "("):
            self.triples_node(paths)
            if self._verb_start(paths):
                self.property_list(paths)
        else:
            self.var_or_term()
            self.property_list(paths)

    def template(self) -> None:
        """[73]-[74] / [52] triples without paths, up to the closing ``}``: a CONSTRUCT
        template, or the pattern of ``CONSTRUCT WHERE``."""
        while self.tok[0] != "}":
            if self.tok[0] not in TRIPLES_START:
                raise self.fail("a triple pattern or '}'")
            self.triples(False)
            if not self.accept("."):
                return

    def _verb_start(self, paths: bool) -> bool:
        kind = self.tok[0]
        return kind in PATH_VERB_START if paths else kind in ("var", "a") or kind in IRIS

    def property_list(self, paths: bool) -> None:
        """[77] / [83] verbs and object lists, separated by ``;`` (empty ones allowed)."""
        self.verb(paths)
        self.object_list(paths)
        while self.accept(";"):
            if self._verb_start(paths):
                self.verb(paths)
                self.object_list(paths)

    def verb(self, paths: bool) -> None:
        """[78] Verb, or [84]-[85] VerbPath | VerbSimple."""
        kind = self.tok[0]
        if kind == "var":
            self.scope.add(self.var())
        elif kind == "a":
            self.advance()
        elif paths:
            self.path()
        else:
            self.iri()

    def object_list(self, paths: bool) -> None:
        """[79] / [86] objects separated by ``,``. After ``;`` too a path's objects may hold
        paths (the grammar's [83] says ObjectList there, an erratum fixed in SPARQL 1.2 and
        read so by the engine)."""
        self.graph_node(paths)
        while self.accept(","):
            self.graph_node(paths)

    def graph_node(self, paths: bool) -> None:
        """[104] / [105] GraphNode, GraphNodePath."""
        if self.tok[0] in ("[", "("):
            self.triples_node(paths)
        else:
            self.var_or_term()

    def triples_node(self, paths: bool) -> None:
        """[98]-[103] a blank node property list ``[ ... ]`` or a collection ``( ... )``."""
        if self.tok[0] == "[":
            self.open("[")
            self.property_list(paths)
            self.close("]")
            return
        self.open("(")
        self.graph_node(paths)
        while self.tok[0] != ")":
            self.graph_node(paths)
        self.close(")")

    # -- property paths ---------------------------------------------------------------------------

    def path(self) -> None:
        """[88]-[93] alternatives of sequences of (inverse) elements with a modifier."""
        while True:
            while True:
                if self.tok[0] == "^":
                    self.operator()
                self.path_primary()
                if self.tok[0] in PATH_MODIFIERS:
                    self.operator()
                if self.tok[0] != "/":
                    break
                self.operator()
            if self.tok[0] != "|":
                return
            self.operator()

    def path_primary(self) -> None:
        """[94]-[96] an IRI, ``a``, a negated property set, or a path in brackets."""
        kind = self.tok[0]
        if kind == "a":
            self.advance()
        elif kind == "(":
            self.open("(")
            self.path()
            self.close(")")
        elif kind == "!":
            self.operator()
            if self.tok[0] != "(":
                self._one_in_set()
                return
            self.open("(")
            self._one_in_set()
            while self.accept("|"):
                self._one_in_set()
            self.close(")")
        else:
            self.iri()

    def _one_in_set(self) -> None:
        """[96] PathOneInPropertySet."""
        self.accept("^")
        if not self.accept("a"):
            self.iri()
