/** The React Flow canvas: drop target for the palette, connection drawing, zoom, minimap, grid. */
import {
  Background,
  BackgroundVariant,
  type Connection,
  ConnectionLineType,
  Controls,
  type EdgeChange,
  MarkerType,
  MiniMap,
  type NodeChange,
  type OnSelectionChangeParams,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
} from "@xyflow/react";
import { type DragEvent, type RefObject, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { type FlowEdge, type FlowNode, NODE_HEIGHT, NODE_WIDTH } from "../graph/convert";
import type { Position } from "../types";
import { edgeTypes } from "./WorkflowEdge";
import { nodeTypes } from "./nodes";

export const DND_TYPE = "application/x-flowdesk-node-type";
export const GRID = 16;

interface CanvasProps {
  nodes: FlowNode[];
  edges: FlowEdge[];
  readOnly: boolean;
  onNodesChange?: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange?: (changes: EdgeChange<FlowEdge>[]) => void;
  onConnect?: (connection: Connection) => void;
  onDropType?: (type: string, position: Position) => void;
  onDragStart?: () => void;
  onDragStop?: () => void;
  onSelectionChange?: (params: OnSelectionChangeParams<FlowNode, FlowEdge>) => void;
  onElementClick?: () => void;
}

const ARROW = { type: MarkerType.ArrowClosed, width: 18, height: 18, color: "#64748b" };

const snap = (v: number) => Math.round(v / GRID) * GRID;

// Props of <ReactFlow> as module constants: a new array or object on each render would update React
// Flow's store, and a new callback would re-render every node and edge wrapper (hundreds of them).
const DELETE_KEYS = ["Delete", "Backspace"];
const MULTI_SELECT_KEYS = ["Shift", "Meta", "Control"];
const SNAP_GRID: [number, number] = [GRID, GRID];
const DEFAULT_VIEWPORT = { x: 80, y: 160, zoom: 1 };
const FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1 };
const PRO_OPTIONS = { hideAttribution: false };
const ARIA_LABELS = { "node.a11yDescription.default": "Press Enter or Space to select a node. Arrow keys move the selected node." };

/** Stable stand-ins for the canvas callbacks: each calls the latest prop, so parents may pass inline functions. */
function useStableHandlers(props: CanvasProps) {
  const latest = useRef(props);
  latest.current = props;
  return useMemo(
    () => ({
      onNodesChange: (c: NodeChange<FlowNode>[]) => latest.current.onNodesChange?.(c),
      onEdgesChange: (c: EdgeChange<FlowEdge>[]) => latest.current.onEdgesChange?.(c),
      onConnect: (c: Connection) => latest.current.onConnect?.(c),
      onDragStart: () => latest.current.onDragStart?.(),
      onDragStop: () => latest.current.onDragStop?.(),
      onSelectionChange: (p: OnSelectionChangeParams<FlowNode, FlowEdge>) => latest.current.onSelectionChange?.(p),
      onElementClick: () => latest.current.onElementClick?.(),
    }),
    [],
  );
}

function minimapColor(node: FlowNode): string {
  switch (node.type) {
    case "start":
      return "#16a34a";
    case "end":
      return "#475569";
    case "approval":
      return "#7c3aed";
    case "condition":
    case "parallel":
    case "join":
      return "#d97706";
    case "timer":
    case "signal":
      return "#0d9488";
    default:
      return "#2563eb";
  }
}

/**
 * Marks the canvas once the graph it opened with is on screen: every node measured by React Flow
 * (so shown), then a frame and a task to let that frame paint. Sets `data-graph-ready="true"` on the
 * canvas and the performance mark `designer:graph-painted` (tests and the benchmark wait for them).
 */
function useGraphPainted(canvas: RefObject<HTMLDivElement | null>, empty: boolean): boolean {
  const measured = useNodesInitialized();
  const [painted, setPainted] = useState(false);
  const started = useRef(false);
  useEffect(() => {
    if (started.current || !(measured || empty)) return;
    started.current = true;
    requestAnimationFrame(() =>
      window.setTimeout(() => {
        performance.mark("designer:graph-painted");
        canvas.current?.setAttribute("data-graph-ready", "true");
        // Idle time, not the next task: a click right after the graph shows must not wait for it.
        if ("requestIdleCallback" in window) window.requestIdleCallback(() => setPainted(true), { timeout: 2000 });
        else setPainted(true);
      }, 0),
    );
  }, [measured, empty, canvas]);
  return painted;
}

export function Canvas(props: CanvasProps) {
  const { nodes, edges, readOnly, onDropType } = props;
  const { screenToFlowPosition } = useReactFlow();
  // Fit only a graph of several nodes when the canvas opens: fitting an empty canvas would
  // happen at the first dropped node and move the viewport under the user's hand.
  const fitOnOpen = useRef(nodes.length > 1).current;
  const canvas = useRef<HTMLDivElement>(null);
  // The minimap draws every node again: it joins in idle time once the graph itself is on screen.
  const painted = useGraphPainted(canvas, nodes.length === 0);
  const on = useStableHandlers(props);

  const onDragOver = useCallback((event: DragEvent) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      event.preventDefault();
      const type = event.dataTransfer.getData(DND_TYPE) || event.dataTransfer.getData("text/plain");
      if (!type || readOnly || !onDropType) return;
      const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      onDropType(type, { x: snap(at.x - NODE_WIDTH / 2), y: snap(at.y - NODE_HEIGHT / 2) });
    },
    [screenToFlowPosition, onDropType, readOnly],
  );

  // Arrowheads as React Flow markers: they live inside the viewport, so image export keeps them.
  const shownEdges = useMemo(() => edges.map((e) => (e.markerEnd ? e : { ...e, markerEnd: ARROW })), [edges]);

  const isValidConnection = useCallback((c: Connection | FlowEdge) => c.source !== c.target, []);

  return (
    <div ref={canvas} className="fd-canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      {nodes.length === 0 && (
        <div className="fd-canvas__empty" data-testid="empty-canvas">
          <strong>An empty canvas</strong>
          <span>{readOnly ? "This graph has no steps." : "Drag a Start step here from the palette, or click it to add it."}</span>
        </div>
      )}
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={shownEdges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={on.onNodesChange}
        onEdgesChange={on.onEdgesChange}
        onConnect={readOnly ? undefined : on.onConnect}
        onNodeDragStart={on.onDragStart}
        onNodeDragStop={on.onDragStop}
        onSelectionDragStart={on.onDragStart}
        onSelectionDragStop={on.onDragStop}
        onSelectionChange={props.onSelectionChange ? on.onSelectionChange : undefined}
        onNodeClick={on.onElementClick}
        onEdgeClick={on.onElementClick}
        isValidConnection={isValidConnection}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={false}
        deleteKeyCode={readOnly ? null : DELETE_KEYS}
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        selectionKeyCode="Shift"
        snapToGrid
        snapGrid={SNAP_GRID}
        connectionLineType={ConnectionLineType.SmoothStep}
        fitView={fitOnOpen}
        defaultViewport={DEFAULT_VIEWPORT}
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.2}
        maxZoom={2}
        proOptions={PRO_OPTIONS}
        ariaLabelConfig={ARIA_LABELS}
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID} size={1.2} color="#cbd5e1" />
        <Controls showInteractive={false} position="bottom-left" />
        {painted && <MiniMap pannable zoomable nodeColor={minimapColor} position="bottom-right" ariaLabel="Overview of the workflow" />}
      </ReactFlow>
    </div>
  );
}
