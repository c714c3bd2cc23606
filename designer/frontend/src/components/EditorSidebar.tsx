/** Fills the sidebar tabs from the editor state. */
import type { EdgeChange, NodeChange } from "@xyflow/react";
import { memo, useCallback, useDeferredValue, useMemo } from "react";
import type { FlowEdge, FlowNode } from "../graph/convert";
import type { Inputs } from "../graph/inputs";
import type { ProblemIndex } from "../graph/problems";
import type { CatalogState } from "../hooks/useCatalog";
import type { GraphEditor } from "../hooks/useGraphEditor";
import type { ValidationState } from "../hooks/useValidation";
import type { useVersions } from "../hooks/useVersions";
import type { ActionSpec, GraphNode, Problem } from "../types";
import type { VersionView } from "./Editor";
import { EdgeProperties } from "./panels/EdgeProperties";
import { InputsEditor } from "./panels/InputsEditor";
import { NodeProperties } from "./panels/NodeProperties";
import { ProblemsList } from "./panels/ProblemsList";
import { VersionsPanel } from "./panels/VersionsPanel";
import { Sidebar, type TabId } from "./Sidebar";

interface Props {
  tab: TabId;
  setTab: (t: TabId) => void;
  editor: GraphEditor;
  shown: { nodes: FlowNode[]; edges: FlowEdge[]; onNodesChange: (c: NodeChange<FlowNode>[]) => void; onEdgesChange: (c: EdgeChange<FlowEdge>[]) => void };
  catalog: CatalogState;
  editable: boolean;
  validation: ValidationState;
  problems: ProblemIndex;
  onFocusProblem: (p: Problem) => void;
  versions: ReturnType<typeof useVersions>;
  view: VersionView | null;
  canEdit: boolean;
  canPublish: boolean;
  publishBlocked: string | null;
  onPublish: () => void;
  onView: (n: number) => void;
  onCompare: (n: number) => void;
  onRestore: (n: number) => void;
  onInputsChange: (inputs: Inputs) => void;
}

const MemoNodeProperties = memo(NodeProperties);

type PropertiesProps = Pick<Props, "editor" | "catalog" | "editable"> & { nodes: FlowNode[]; edges: FlowEdge[] };

/** The selection's panel. It is given deferred node and edge lists: selecting a node (a
 * drag's first move does) paints the canvas first and builds the panel in a later,
 * interruptible render; while the node moves, the panel keeps its props and does not
 * render again (memo, stable callback). */
function Properties({ editor, nodes: all, edges: allEdges, catalog, editable }: PropertiesProps) {
  const nodes = useMemo(() => all.filter((n) => n.selected), [all]);
  const edges = useMemo(() => allEdges.filter((e) => e.selected), [allEdges]);
  const single = nodes.length === 1 && edges.length === 0 ? nodes[0] : undefined;
  const singleId = single?.id;
  const { updateNode } = editor;
  const onNodeChange = useCallback(
    (update: (raw: GraphNode) => GraphNode) => {
      if (singleId !== undefined) updateNode(singleId, update);
    },
    [updateNode, singleId],
  );
  if (single) {
    return (
      <MemoNodeProperties
        key={single.id}
        node={single.data.raw}
        spec={catalog.nodeType(single.data.raw.type)}
        actions={catalog.catalog?.actions ?? NO_ACTIONS}
        findAction={catalog.action}
        readOnly={!editable}
        onChange={onNodeChange}
      />
    );
  }
  if (edges.length === 1 && nodes.length === 0) {
    const edge = edges[0]!;
    const raw = edge.data?.raw ?? { id: edge.id, source: edge.source, target: edge.target };
    const source = all.find((n) => n.id === edge.source)?.data.raw;
    return (
      <EdgeProperties
        key={edge.id}
        edge={raw}
        source={source}
        target={all.find((n) => n.id === edge.target)?.data.raw}
        sourceSpec={source ? catalog.nodeType(source.type) : undefined}
        readOnly={!editable}
        onChange={(update) => editor.updateEdge(edge.id, update)}
      />
    );
  }
  const count = nodes.length + edges.length;
  return (
    <div className="fd-empty" data-testid="no-selection">
      {count > 1 ? (
        <p>{count} items selected. Copy with Ctrl+C, paste with Ctrl+V, delete with Delete.</p>
      ) : (
        <>
          <p>Select a step or a connection to edit it.</p>
          <ul className="fd-tips">
            <li>Drag from a step's right handle to another step to connect them.</li>
            <li>Shift-drag on the canvas to select several steps.</li>
            <li>Ctrl+Z / Ctrl+Shift+Z undo and redo; Ctrl+S saves.</li>
          </ul>
        </>
      )}
    </div>
  );
}

const NO_ACTIONS: ActionSpec[] = [];

export function EditorSidebar(p: Props) {
  const nodes = useDeferredValue(p.shown.nodes);
  const edges = useDeferredValue(p.shown.edges);
  const inputs = (p.view ? p.view.version.graph.inputs : p.editor.meta.inputs) ?? {};
  const { errors, warnings } = p.problems;
  return (
    <Sidebar
      current={p.tab}
      onSelect={p.setTab}
      tabs={[
        { id: "properties", label: "Properties", content: <Properties editor={p.editor} nodes={nodes} edges={edges} catalog={p.catalog} editable={p.editable} /> },
        { id: "inputs", label: "Inputs", content: <InputsEditor inputs={inputs} readOnly={!p.editable} onChange={p.onInputsChange} /> },
        {
          id: "problems",
          label: "Problems",
          badge: errors + warnings ? { count: errors + warnings, severity: errors ? "error" : "warning" } : null,
          content: <ProblemsList problems={p.view ? [] : p.validation.problems} checking={p.validation.checking} error={p.validation.error} onFocus={p.onFocusProblem} />,
        },
        {
          id: "versions",
          label: "Versions",
          content: (
            <VersionsPanel
              versions={p.versions.versions} error={p.versions.error}
              viewing={p.view ? { number: p.view.version.number, mode: p.view.mode } : null}
              canEdit={p.canEdit} canPublish={p.canEdit && p.canPublish} publishBlocked={p.publishBlocked}
              onPublish={p.onPublish} onView={p.onView} onCompare={p.onCompare} onRestore={p.onRestore}
            />
          ),
        },
      ]}
    />
  );
}
