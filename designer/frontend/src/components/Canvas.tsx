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
  useReactFlow,
} from "@xyflow/react";
import { type DragEvent, useCallback, useMemo, useRef } from "react";
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

export function Canvas(props: CanvasProps) {
  const { nodes, edges, readOnly, onDropType } = props;
  const { screenToFlowPosition } = useReactFlow();
  // Fit only a graph of several nodes when the canvas opens: fitting an empty canvas would
  // happen at the first dropped node and move the viewport under the user's hand.
  const fitOnOpen = useRef(nodes.length > 1).current;

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
    <div className="fd-canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
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
        onNodesChange={props.onNodesChange}
        onEdgesChange={props.onEdgesChange}
        onConnect={readOnly ? undefined : props.onConnect}
        onNodeDragStart={props.onDragStart}
        onNodeDragStop={props.onDragStop}
        onSelectionDragStart={props.onDragStart}
        onSelectionDragStop={props.onDragStop}
        onSelectionChange={props.onSelectionChange}
        onNodeClick={props.onElementClick}
        onEdgeClick={props.onElementClick}
        isValidConnection={isValidConnection}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={false}
        deleteKeyCode={readOnly ? null : ["Delete", "Backspace"]}
        multiSelectionKeyCode={["Shift", "Meta", "Control"]}
        selectionKeyCode="Shift"
        snapToGrid
        snapGrid={[GRID, GRID]}
        connectionLineType={ConnectionLineType.SmoothStep}
        fitView={fitOnOpen}
        defaultViewport={{ x: 80, y: 160, zoom: 1 }}
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        minZoom={0.2}
        maxZoom={2}
        proOptions={{ hideAttribution: false }}
        ariaLabelConfig={{ "node.a11yDescription.default": "Press Enter or Space to select a node. Arrow keys move the selected node." }}
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID} size={1.2} color="#cbd5e1" />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap pannable zoomable nodeColor={minimapColor} position="bottom-right" ariaLabel="Overview of the workflow" />
      </ReactFlow>
    </div>
  );
}
