/**
 * The draft graph being edited: React Flow nodes/edges plus the rest of the document, with an undo
 * stack of snapshots. Discrete edits (add, connect, delete, paste, import, layout) are recorded at
 * once, a drag at its stop, typing once it pauses; undo first records whatever is pending, so it
 * always steps back exactly one visible change. During a drag `graph` (and `graphJson`) keep the
 * document as it was before it; the nodes React Flow draws move.
 */
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { GraphDoc, GraphEdge, GraphNode } from "../types";
import { type FlowEdge, type FlowNode, type FlowSource, type GraphMeta, flowToGraphSince, graphText, graphToFlow, toFlowEdge, toFlowNode } from "../graph/convert";
import { canRedo, canUndo, historyRecord, historyRedo, historyStart, historyUndo, type HistoryState } from "../graph/history";

const RECORD_DELAY_MS = 350;

export interface GraphEditor {
  nodes: FlowNode[];
  edges: FlowEdge[];
  meta: GraphMeta;
  graph: GraphDoc;
  graphJson: string;
  onNodesChange: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => void;
  replaceGraph: (graph: GraphDoc, options?: { resetHistory?: boolean }) => void;
  updateNode: (id: string, update: (raw: GraphNode) => GraphNode) => void;
  updateEdge: (id: string, update: (raw: GraphEdge) => GraphEdge) => void;
  updateMeta: (update: (meta: GraphMeta) => GraphMeta) => void;
  addElements: (nodes: GraphNode[], edges: GraphEdge[], options?: { select?: boolean }) => void;
  setPositions: (positions: Map<string, { x: number; y: number }>) => void;
  select: (ids: { nodes?: string[]; edges?: string[] }) => void;
  dragStarted: () => void;
  dragStopped: () => void;
  undo: () => void;
  redo: () => void;
  canUndo: boolean;
  canRedo: boolean;
}

export function useGraphEditor(initial: GraphDoc): GraphEditor {
  const start = useMemo(() => graphToFlow(initial), [initial]);
  const [nodes, setNodes] = useState<FlowNode[]>(start.nodes);
  const [edges, setEdges] = useState<FlowEdge[]>(start.edges);
  const [meta, setMeta] = useState<GraphMeta>(start.meta);
  // The document is rebuilt (and its text with it) only when an edit wrote something: not for a
  // selection or a measurement, and not on every mousemove of a drag (500 nodes to copy and
  // serialise each time), which lands in `graph` at its stop, as one change.
  const [dragActive, setDragActive] = useState(false);
  const built = useRef<FlowSource | null>(null);
  const graph = useMemo(() => {
    if (!(dragActive && built.current)) built.current = flowToGraphSince(built.current, meta, nodes, edges);
    return built.current.graph;
  }, [meta, nodes, edges, dragActive]);
  const graphJson = useMemo(() => graphText(graph), [graph]);
  const [history, setHistory] = useState<HistoryState>(() => historyStart(graphText(initial)));
  const historyRef = useRef(history);
  historyRef.current = history;
  const jsonRef = useRef(graphJson);
  jsonRef.current = graphJson;
  const dragging = useRef(false);
  const discrete = useRef(false);

  const commitHistory = useCallback((next: HistoryState) => {
    historyRef.current = next;
    setHistory(next);
  }, []);

  useEffect(() => {
    if (dragging.current) return undefined;
    if (discrete.current) {
      discrete.current = false;
      commitHistory(historyRecord(historyRef.current, graphJson));
      return undefined;
    }
    const timer = window.setTimeout(() => commitHistory(historyRecord(historyRef.current, graphJson)), RECORD_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [graphJson, commitHistory]);

  const load = useCallback((doc: GraphDoc) => {
    const flow = graphToFlow(doc);
    setMeta(flow.meta);
    setNodes(flow.nodes);
    setEdges(flow.edges);
  }, []);

  const replaceGraph = useCallback(
    (doc: GraphDoc, options: { resetHistory?: boolean } = {}) => {
      load(doc);
      if (options.resetHistory) commitHistory(historyStart(graphText(doc)));
      else commitHistory(historyRecord(historyRecord(historyRef.current, jsonRef.current), graphText(doc)));
    },
    [load, commitHistory],
  );

  const step = useCallback(
    (move: (h: HistoryState) => HistoryState) => {
      const settled = historyRecord(historyRef.current, jsonRef.current);
      const next = move(settled);
      commitHistory(next);
      if (next.present !== null && next.present !== jsonRef.current) load(JSON.parse(next.present) as GraphDoc);
    },
    [commitHistory, load],
  );

  /** Record the next graph change as its own undo step (after settling anything pending). */
  const markDiscrete = useCallback(() => {
    if (!discrete.current) commitHistory(historyRecord(historyRef.current, jsonRef.current));
    discrete.current = true;
  }, [commitHistory]);

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      if (changes.some((c) => c.type === "remove" || c.type === "add")) markDiscrete();
      setNodes((ns) => applyNodeChanges(changes, ns));
    },
    [markDiscrete],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      if (changes.some((c) => c.type === "remove" || c.type === "add")) markDiscrete();
      setEdges((es) => applyEdgeChanges(changes, es));
    },
    [markDiscrete],
  );

  const updateNode = useCallback((id: string, update: (raw: GraphNode) => GraphNode) => {
    setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: { ...n.data, raw: update(n.data.raw) } } : n)));
  }, []);

  const updateEdge = useCallback((id: string, update: (raw: GraphEdge) => GraphEdge) => {
    setEdges((es) =>
      es.map((e) => (e.id === id ? { ...e, data: { ...e.data, raw: update(e.data?.raw ?? { id: e.id, source: e.source, target: e.target }) } } : e)),
    );
  }, []);

  const updateMeta = useCallback((update: (m: GraphMeta) => GraphMeta) => setMeta(update), []);

  const addElements = useCallback((newNodes: GraphNode[], newEdges: GraphEdge[], options: { select?: boolean } = {}) => {
    markDiscrete();
    const select = options.select ?? true;
    setNodes((ns) => [
      ...(select ? ns.map((n) => (n.selected ? { ...n, selected: false } : n)) : ns),
      ...newNodes.map((n, i) => ({ ...toFlowNode(n, i), selected: select })),
    ]);
    setEdges((es) => [
      ...(select ? es.map((e) => (e.selected ? { ...e, selected: false } : e)) : es),
      ...newEdges.map((e) => ({ ...toFlowEdge(e), selected: select && newNodes.length === 0 })),
    ]);
  }, [markDiscrete]);

  const setPositions = useCallback((positions: Map<string, { x: number; y: number }>) => {
    markDiscrete();
    setNodes((ns) => ns.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: p } : n;
    }));
  }, [markDiscrete]);

  const select = useCallback((ids: { nodes?: string[]; edges?: string[] }) => {
    const ns = new Set(ids.nodes ?? []);
    const es = new Set(ids.edges ?? []);
    setNodes((all) => all.map((n) => (Boolean(n.selected) === ns.has(n.id) ? n : { ...n, selected: ns.has(n.id) })));
    setEdges((all) => all.map((e) => (Boolean(e.selected) === es.has(e.id) ? e : { ...e, selected: es.has(e.id) })));
  }, []);

  const dragStarted = useCallback(() => {
    dragging.current = true;
    setDragActive(true);
  }, []);

  const dragStopped = useCallback(() => {
    dragging.current = false;
    setDragActive(false);
    window.setTimeout(() => commitHistory(historyRecord(historyRef.current, jsonRef.current)), 0);
  }, [commitHistory]);

  const undo = useCallback(() => step(historyUndo), [step]);
  const redo = useCallback(() => step(historyRedo), [step]);

  return {
    nodes,
    edges,
    meta,
    graph,
    graphJson,
    onNodesChange,
    onEdgesChange,
    replaceGraph,
    updateNode,
    updateEdge,
    updateMeta,
    addElements,
    setPositions,
    select,
    dragStarted,
    dragStopped,
    undo,
    redo,
    canUndo: canUndo(history) || history.present !== graphJson,
    canRedo: canRedo(history) && history.present === graphJson,
  };
}
