/** Editing commands on the draft: add, connect, copy/paste, select all, auto-layout, focus. */
import { type Connection, useReactFlow } from "@xyflow/react";
import { useCallback, useRef } from "react";
import { type ClipboardContent, PASTE_OFFSET, copySelection, pasteClipboard } from "../graph/clipboard";
import { type FlowEdge, type FlowNode, NODE_HEIGHT, NODE_WIDTH } from "../graph/convert";
import { suggestedEdgeFields } from "../graph/edgeKinds";
import { nextEdgeId, nextNodeId } from "../graph/ids";
import { layoutGraph } from "../graph/layout";
import type { NodeTypeSpec, Position } from "../types";
import type { GraphEditor } from "./useGraphEditor";

const GRID = 16;
const snap = (v: number) => Math.round(v / GRID) * GRID;

export function useEditorCommands(editor: GraphEditor, nodeType: (t: string) => NodeTypeSpec | undefined) {
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const clipboard = useRef<ClipboardContent | null>(null);
  const pastes = useRef(0);
  const clicks = useRef(0);
  const editorRef = useRef(editor);
  editorRef.current = editor;

  const addNode = useCallback(
    (type: string, position: Position) => {
      const ed = editorRef.current;
      const ids = new Set(ed.nodes.map((n) => n.id));
      const id = nextNodeId(type, ids);
      const label = nodeType(type)?.label ?? type;
      const count = ed.nodes.filter((n) => n.data.raw.type === type).length;
      const name = count ? `${label} ${count + 1}` : label;
      ed.addElements([{ id, type, name, position, config: {} }], []);
      return id;
    },
    [nodeType],
  );

  /** Click / Enter on a palette item: add in the middle of the visible canvas, staggered. */
  const addNodeAtCentre = useCallback(
    (type: string) => {
      const pane = document.querySelector(".react-flow")?.getBoundingClientRect();
      const centre = pane
        ? flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 })
        : { x: 0, y: 0 };
      const shift = (clicks.current++ % 6) * 32;
      return addNode(type, { x: snap(centre.x - NODE_WIDTH / 2 + shift), y: snap(centre.y - NODE_HEIGHT / 2 + shift) });
    },
    [addNode, flow],
  );

  const connect = useCallback((c: Connection) => {
    const ed = editorRef.current;
    if (!c.source || !c.target || c.source === c.target) return;
    const source = ed.nodes.find((n) => n.id === c.source)?.data.raw;
    const siblings = ed.edges.filter((e) => e.source === c.source).map((e) => e.data?.raw ?? { id: e.id, source: e.source, target: e.target });
    const id = nextEdgeId(new Set(ed.edges.map((e) => e.id)));
    ed.addElements([], [{ id, source: c.source, target: c.target, ...suggestedEdgeFields(source, siblings) }], { select: false });
  }, []);

  const copy = useCallback(() => {
    const ed = editorRef.current;
    const selected = new Set(ed.nodes.filter((n) => n.selected).map((n) => n.id));
    if (!selected.size) return false;
    clipboard.current = copySelection(ed.graph, selected);
    pastes.current = 0;
    return true;
  }, []);

  const paste = useCallback(() => {
    const clip = clipboard.current;
    if (!clip?.nodes.length) return false;
    pastes.current += 1;
    const ed = editorRef.current;
    const pasted = pasteClipboard(clip, ed.graph, PASTE_OFFSET * pastes.current);
    ed.addElements(pasted.nodes, pasted.edges);
    return true;
  }, []);

  const selectAll = useCallback(() => {
    const ed = editorRef.current;
    ed.select({ nodes: ed.nodes.map((n) => n.id) });
  }, []);

  const autoLayout = useCallback(() => {
    const ed = editorRef.current;
    const positions = layoutGraph(
      ed.nodes.map((n) => ({ id: n.id, width: n.measured?.width, height: n.measured?.height })),
      ed.edges,
    );
    ed.setPositions(positions);
    window.setTimeout(() => void flow.fitView({ padding: 0.2, duration: 300, maxZoom: 1.2 }), 50);
  }, [flow]);

  const fit = useCallback(() => void flow.fitView({ padding: 0.2, duration: 300, maxZoom: 1.2 }), [flow]);

  /** Select a node or edge and bring it to the middle of the screen. */
  const focus = useCallback(
    (target: { node?: string | null; edge?: string | null }) => {
      const ed = editorRef.current;
      const zoom = Math.max(flow.getZoom(), 0.8);
      const centreOf = (id: string) => {
        const n = ed.nodes.find((x) => x.id === id);
        if (!n) return null;
        return { x: n.position.x + (n.measured?.width ?? NODE_WIDTH) / 2, y: n.position.y + (n.measured?.height ?? NODE_HEIGHT) / 2 };
      };
      if (target.edge) {
        const e = ed.edges.find((x) => x.id === target.edge);
        if (!e) return;
        ed.select({ edges: [e.id] });
        const [a, b] = [centreOf(e.source), centreOf(e.target)];
        if (a && b) void flow.setCenter((a.x + b.x) / 2, (a.y + b.y) / 2, { zoom, duration: 300 });
      } else if (target.node) {
        const c = centreOf(target.node);
        if (!c) return;
        ed.select({ nodes: [target.node] });
        void flow.setCenter(c.x, c.y, { zoom, duration: 300 });
      }
    },
    [flow],
  );

  return { addNode, addNodeAtCentre, connect, copy, paste, selectAll, autoLayout, fit, focus, getNodes: flow.getNodes };
}
