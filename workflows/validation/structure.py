"""Stage 2: the shape of the graph (starts, ids, edges, reachability, loops, edge kinds, bounds)."""

from __future__ import annotations

from collections.abc import Iterator

from workflows.validation import problems as p
from workflows.validation.cycles import strongly_connected
from workflows.validation.graph_index import INVALID, PLAIN, EdgeEntry, GraphIndex, NodeEntry, edge_markers
from workflows.validation.problems import Problem

DEFAULT_OUTCOMES = ("approved", "rejected")


def check_structure(index: GraphIndex) -> list[Problem]:
    found: list[Problem] = []
    found.extend(_duplicates(index))
    starts = [node for node in index.node_list if node.type == "start"]
    if not starts:
        found.append(Problem(p.MISSING_START, "the graph has no start node", path="nodes"))
    for extra in starts[1:]:
        found.append(
            Problem(
                p.MULTIPLE_STARTS,
                f"a graph has exactly one start node; {starts[0].id!r} is already one",
                node=extra.id,
                path=f"nodes[{extra.index}]",
            )
        )
    found.extend(_edges(index))
    for node in index.node_list:
        found.extend(_node(index, node))
    reachable = index.reachable_from([start.id for start in starts]) if starts else set(index.nodes)
    found.extend(_reachability(index, starts, reachable))
    found.extend(_cycles(index, reachable))
    return found


def _duplicates(index: GraphIndex) -> Iterator[Problem]:
    for node in index.duplicate_nodes:
        yield Problem(p.DUPLICATE_ID, f"another node already has the id {node.id!r}", node=node.id,
                      path=f"nodes[{node.index}].id")  # fmt: skip
    for edge in index.duplicate_edges:
        yield Problem(p.DUPLICATE_ID, f"another edge already has the id {edge.id!r}", edge=edge.id,
                      path=f"edges[{edge.index}].id")  # fmt: skip


def _edges(index: GraphIndex) -> Iterator[Problem]:
    """Dangling ends, then the kind of every edge (stored on the entry for later rules)."""
    for edge in index.edges:
        if edge.dangling:
            end = "source" if edge.source not in index.nodes else "target"
            missing = edge.source if end == "source" else edge.target
            yield Problem(p.DANGLING_EDGE, f"the {end} {missing!r} of this edge is not a node", edge=edge.id,
                          path=f"edges[{edge.index}].{end}")  # fmt: skip
            edge.kind = INVALID
            continue
        markers = edge_markers(edge.raw)
        if len(markers) > 1:
            edge.kind = INVALID
            yield Problem(p.CONFLICTING_EDGE_KINDS, f"an edge may have only one of {', '.join(markers)}",
                          edge=edge.id, path=f"edges[{edge.index}]")  # fmt: skip
            continue
        source = index.nodes[edge.source]
        if markers and source.spec is not None and markers[0] not in source.spec.edge_kinds:
            edge.kind = INVALID
            allowed = ", ".join(source.spec.edge_kinds) or "none"
            yield Problem(
                p.EDGE_KIND_NOT_ALLOWED,
                f"edges leaving a {source.type} node cannot be marked {markers[0]} (allowed: {allowed})",
                edge=edge.id,
                path=f"edges[{edge.index}].{markers[0]}",
            )
            continue
        edge.kind = markers[0] if markers else PLAIN


def _node(index: GraphIndex, node: NodeEntry) -> Iterator[Problem]:
    spec = node.spec
    if spec is None:
        return  # unknown type: reported by the schema stage
    outgoing = index.outgoing.get(node.id, [])
    incoming = index.incoming.get(node.id, [])
    where = f"nodes[{node.index}]"
    if incoming and len(incoming) < spec.min_incoming:
        yield Problem(p.TOO_FEW_INCOMING, f"a {node.type} node needs at least {spec.min_incoming} incoming edges",
                      node=node.id, path=where)  # fmt: skip
    if spec.max_incoming is not None and len(incoming) > spec.max_incoming:
        yield Problem(
            p.TOO_MANY_INCOMING, _at_most(node.type, spec.max_incoming, "incoming"), node=node.id, path=where
        )
    if spec.max_outgoing is not None and len(outgoing) > spec.max_outgoing:
        yield Problem(
            p.TOO_MANY_OUTGOING, _at_most(node.type, spec.max_outgoing, "outgoing"), node=node.id, path=where
        )
        return
    if node.type == "end":
        return
    if not outgoing:
        yield Problem(p.DEAD_END, f"this {node.type} node has no outgoing edge, so its path stops here",
                      node=node.id, path=where)  # fmt: skip
        return
    if len(outgoing) < spec.min_outgoing:
        yield Problem(p.TOO_FEW_OUTGOING, f"a {node.type} node needs at least {spec.min_outgoing} outgoing edges",
                      node=node.id, path=where)  # fmt: skip
    kinds: dict[str, int] = {}
    for edge in outgoing:
        kinds[edge.kind] = kinds.get(edge.kind, 0) + 1
    yield from _ambiguity(node, outgoing, kinds)
    if node.type == "condition":
        yield from _condition(node, outgoing, kinds)
    elif node.type == "approval":
        yield from _approval(node, outgoing, kinds)
    elif kinds.get(PLAIN, 0) == 0 and kinds.get(INVALID, 0) == 0 and node.type != "parallel":
        others = ", ".join(sorted(kinds))
        yield Problem(p.DEAD_END, f"this {node.type} node has only {others} edges: nothing follows when it succeeds",
                      node=node.id, path=where)  # fmt: skip


def _at_most(node_type: str, limit: int, direction: str) -> str:
    return f"a {node_type} node may have {'no' if limit == 0 else f'at most {limit}'} {direction} edges"


def _ambiguity(node: NodeEntry, outgoing: list[EdgeEntry], kinds: dict[str, int]) -> Iterator[Problem]:
    assert node.spec is not None
    limit = node.spec.max_plain_outgoing
    if limit is not None and 0 < limit < kinds.get(PLAIN, 0):
        second = [edge for edge in outgoing if edge.kind == PLAIN][1]
        yield Problem(p.AMBIGUOUS_EDGES, f"a {node.type} node may have only one unmarked outgoing edge "
                      "(use a parallel node to start several paths)", node=node.id, edge=second.id,
                      path=f"edges[{second.index}]")  # fmt: skip
    for kind in ("default", "on_error", "timeout"):
        if kinds.get(kind, 0) > 1:
            second = [edge for edge in outgoing if edge.kind == kind][1]
            yield Problem(p.AMBIGUOUS_EDGES, f"a {node.type} node may have only one {kind} edge", node=node.id,
                          edge=second.id, path=f"edges[{second.index}].{kind}")  # fmt: skip


def _condition(node: NodeEntry, outgoing: list[EdgeEntry], kinds: dict[str, int]) -> Iterator[Problem]:
    for edge in outgoing:
        if edge.kind == PLAIN:
            yield Problem(p.MISSING_CONDITION, "an edge leaving a condition node needs a condition or default: true",
                          node=node.id, edge=edge.id, path=f"edges[{edge.index}]")  # fmt: skip
    if kinds.get("default", 0) == 0:
        yield Problem(p.CONDITION_WITHOUT_DEFAULT, "mark one outgoing edge default: true, taken when no "
                      "condition holds", node=node.id, path=f"nodes[{node.index}]")  # fmt: skip


def _approval(node: NodeEntry, outgoing: list[EdgeEntry], kinds: dict[str, int]) -> Iterator[Problem]:
    configured = node.config.get("outcomes")
    valid = isinstance(configured, list) and configured and all(isinstance(o, str) for o in configured)
    outcomes = tuple(configured) if valid else DEFAULT_OUTCOMES  # type: ignore[arg-type]
    taken: set[str] = set()
    for edge in outgoing:
        if edge.kind != "outcome":
            continue
        outcome = edge.raw.get("outcome")
        if outcome not in outcomes:
            yield Problem(p.UNKNOWN_OUTCOME, f"{str(outcome)[:64]!r} is not an outcome of this approval "
                          f"({', '.join(outcomes)})", node=node.id, edge=edge.id,
                          path=f"edges[{edge.index}].outcome")  # fmt: skip
        elif outcome in taken:
            yield Problem(p.AMBIGUOUS_EDGES, f"two edges take the outcome {outcome!r}", node=node.id, edge=edge.id,
                          path=f"edges[{edge.index}].outcome")  # fmt: skip
        else:
            taken.add(outcome)
    if kinds.get(PLAIN, 0) == 0 and kinds.get(INVALID, 0) == 0:
        for outcome in outcomes:
            if outcome not in taken:
                yield Problem(p.UNHANDLED_OUTCOME, f"no edge is taken when the outcome is {outcome!r}",
                              node=node.id, path=f"nodes[{node.index}].config.outcomes")  # fmt: skip
    sla = node.config.get("sla")
    escalate = sla.get("escalate") if isinstance(sla, dict) else None
    auto = escalate.get("auto_outcome") if isinstance(escalate, dict) else None
    if isinstance(auto, str) and auto not in outcomes:
        yield Problem(p.UNKNOWN_OUTCOME, f"{auto[:64]!r} is not an outcome of this approval", node=node.id,
                      path=f"nodes[{node.index}].config.sla.escalate.auto_outcome")  # fmt: skip


def _reachability(index: GraphIndex, starts: list[NodeEntry], reachable: set[str]) -> Iterator[Problem]:
    if not starts:
        return
    for node in index.node_list:
        if node.id not in reachable:
            yield Problem(p.UNREACHABLE_NODE, "no path from the start reaches this node", node=node.id,
                          path=f"nodes[{node.index}]")  # fmt: skip
    after_parallel = index.reachable_from(
        [
            target
            for node in index.node_list
            if node.type == "parallel"
            for target in index.successors(node.id)
        ]
    )
    for node in index.node_list:
        if node.type == "join" and node.id in reachable and node.id not in after_parallel:
            yield Problem(p.JOIN_WITHOUT_PARALLEL, "no parallel node comes before this join, so it would wait "
                          "for paths that never start", node=node.id, path=f"nodes[{node.index}]")  # fmt: skip


def _cycles(index: GraphIndex, reachable: set[str]) -> Iterator[Problem]:
    """Report loops no edge leaves. Cheap on the common case: only nodes that reach no
    node without outgoing edges (an end, or a dead end reported elsewhere) are trapped,
    and only those go through the strongly-connected-components search."""
    predecessors: dict[str, list[str]] = {}
    for edge in index.edges:
        if not edge.dangling:
            predecessors.setdefault(edge.target, []).append(edge.source)
    sinks = [node_id for node_id in index.nodes if not index.outgoing.get(node_id)]
    escapes = set(sinks)
    stack = list(sinks)
    while stack:
        for source in predecessors.get(stack.pop(), ()):
            if source not in escapes:
                escapes.add(source)
                stack.append(source)
    trapped = [node.id for node in index.node_list if node.id not in escapes and node.id in reachable]
    if not trapped:
        return
    trapped_set = set(trapped)
    adjacency = {node_id: [t for t in index.successors(node_id) if t in trapped_set] for node_id in trapped}
    order = {node.id: node.index for node in index.node_list}
    for component in strongly_connected(trapped, adjacency.__getitem__):
        members = set(component)
        if len(component) == 1 and component[0] not in adjacency[component[0]]:
            continue  # a single node without a self-loop is no cycle
        if any(target not in members for node_id in component for target in adjacency[node_id]):
            continue  # it leads on to another trapped loop, which is reported itself
        ordered = sorted(component, key=order.__getitem__)
        shown = ", ".join(ordered[:10]) + (" ..." if len(ordered) > 10 else "")
        first = index.nodes[ordered[0]]
        yield Problem(p.CYCLE_WITHOUT_EXIT, f"these nodes form a loop that no edge leaves: {shown}",
                      node=first.id, path=f"nodes[{first.index}]")  # fmt: skip
