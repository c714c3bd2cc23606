"""Stage 3: every expression and template compiles, and reads only what can exist."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from workflows.expressions import ExpressionError, compile_expression, compile_template
from workflows.validation import problems as p
from workflows.validation.graph_index import GraphIndex
from workflows.validation.paths import join
from workflows.validation.problems import WARNING, Problem

References = Iterable[tuple[str, ...]]


def check_expressions(graph: dict[str, Any], index: GraphIndex) -> list[Problem]:
    declared = graph.get("inputs")
    inputs = set(declared) if isinstance(declared, dict) else set()
    checker = _Checker(set(index.nodes), inputs)
    for edge in index.edges:
        condition = edge.raw.get("condition")
        if isinstance(condition, str):
            checker.expression(condition, f"edges[{edge.index}].condition", edge=edge.id)
    for node in index.node_list + index.duplicate_nodes:
        base, config = f"nodes[{node.index}].config", node.config
        if node.type == "set" and isinstance(config.get("assign"), dict):
            for name, source in config["assign"].items():
                if isinstance(source, str):
                    checker.expression(source, join(f"{base}.assign", str(name)), node=node.id)
        elif node.type == "timer" and isinstance(config.get("until"), str):
            checker.expression(config["until"], f"{base}.until", node=node.id)
        elif node.type == "task":
            checker.templates(config.get("params"), f"{base}.params", node.id)
            compensate = config.get("compensate")
            if isinstance(compensate, dict):
                checker.templates(compensate.get("params"), f"{base}.compensate.params", node.id)
        elif node.type == "approval":
            checker.templates(config.get("assignees"), f"{base}.assignees", node.id)
        elif node.type == "subworkflow":
            checker.templates(config.get("input"), f"{base}.input", node.id)
        elif node.type == "end":
            checker.templates(config.get("result"), f"{base}.result", node.id)
    return checker.found


class _Checker:
    def __init__(self, node_ids: set[str], inputs: set[str]) -> None:
        self.node_ids = node_ids
        self.inputs = inputs
        self.found: list[Problem] = []

    def expression(self, source: str, path: str, *, node: str | None = None, edge: str | None = None) -> None:
        try:
            compiled = compile_expression(source)
        except ExpressionError as error:
            self._bad(error, path, node, edge)
            return
        self._references(compiled.references, path, node, edge)

    def templates(self, value: Any, path: str, node: str) -> None:
        for where, text in _template_strings(value, path):
            try:
                compiled = compile_template(text)
            except ExpressionError as error:
                self._bad(error, where, node, None)
                continue
            self._references(compiled.references, where, node, None)

    def _bad(self, error: ExpressionError, path: str, node: str | None, edge: str | None) -> None:
        at = f" (at character {error.offset})" if error.offset is not None else ""
        self.found.append(Problem(p.BAD_EXPRESSION, f"{error.message}{at}", node=node, edge=edge, path=path))

    def _references(self, references: References, path: str, node: str | None, edge: str | None) -> None:
        for reference in sorted(references):
            if len(reference) < 2:
                continue
            root, name = reference[0], reference[1]
            if root == "steps" and name not in self.node_ids:
                self.found.append(
                    Problem(
                        p.UNKNOWN_STEP,
                        f"steps.{name} names no node of this graph",
                        node=node,
                        edge=edge,
                        path=path,
                    )
                )
            elif root == "input" and name not in self.inputs:
                self.found.append(
                    Problem(
                        p.UNDECLARED_INPUT,
                        f"input.{name} is not declared in the graph's inputs",
                        severity=WARNING,
                        node=node,
                        edge=edge,
                        path=path,
                    )
                )


def _template_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path, text) of every string holding `{{` inside a JSON value; others are literals."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if "{{" in item:
                yield where, item
        elif isinstance(item, dict):
            stack.extend((join(where, str(key)), child) for key, child in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", child) for i, child in reversed(list(enumerate(item))))
