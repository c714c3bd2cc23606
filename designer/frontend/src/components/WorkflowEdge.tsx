/** The edge drawn for every graph edge: a smooth step with its kind or label, coloured by state. */
import { BaseEdge, EdgeLabelRenderer, type EdgeProps, type EdgeTypes, getSmoothStepPath, type ReactFlowState, useStore } from "@xyflow/react";
import { memo, useCallback, useContext } from "react";
import type { FlowEdge } from "../graph/convert";
import { edgeDisplayLabel, edgeKindOf } from "../graph/edgeKinds";
import { worstSeverity } from "../graph/problems";
import { DecorContext, cx } from "./DecorContext";

/** Edge strokes as inline styles (not only CSS) so exported images keep them. */
const STROKES: Record<string, { stroke: string; strokeWidth: number; strokeDasharray?: string }> = {
  plain: { stroke: "#7b8794", strokeWidth: 1.8 },
  alt: { stroke: "#8a5a00", strokeWidth: 1.8, strokeDasharray: "6 4" },
  selected: { stroke: "#1f5fd1", strokeWidth: 2.6 },
  error: { stroke: "#b42318", strokeWidth: 2.4 },
  warning: { stroke: "#d29a16", strokeWidth: 2.2 },
  added: { stroke: "#17703a", strokeWidth: 2.6 },
  changed: { stroke: "#a35200", strokeWidth: 2.6 },
  removed: { stroke: "#b42318", strokeWidth: 1.8, strokeDasharray: "5 5" },
  sim: { stroke: "#17703a", strokeWidth: 3, strokeDasharray: "8 6" },
};

/**
 * True while a node at either end is being dragged. Such an edge is redrawn on every mousemove; on a
 * layer of its own (`.fd-edge-moving`, will-change) that leaves the rest of the graph's pixels alone,
 * instead of re-rastering the big layer under it each frame (a 500-node drag: ~270 -> ~40 ms of raster).
 * A subscription per edge, not a class set on the edge objects at drag start: that re-sent every edge
 * to React Flow and made the drag's first and last tasks ~6 ms longer.
 */
function useEndDragged(source: string, target: string): boolean {
  const selector = useCallback(
    (s: ReactFlowState) => Boolean(s.nodeLookup.get(source)?.dragging || s.nodeLookup.get(target)?.dragging),
    [source, target],
  );
  return useStore(selector);
}

export const WorkflowEdge = memo(function WorkflowEdge(props: EdgeProps<FlowEdge>) {
  const { id, source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected } = props;
  const decor = useContext(DecorContext);
  const moving = useEndDragged(source, target);
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
    borderRadius: 10,
  });
  const raw = data?.raw;
  const label = raw ? edgeDisplayLabel(raw) : "";
  const kind = raw ? edgeKindOf(raw) : "plain";
  const problems = decor.problems.byEdge.get(id);
  const severity = worstSeverity(problems);
  const diff = decor.diffEdges?.get(id);
  const sim = decor.simEdges?.has(id);
  const state = severity ?? diff ?? (sim ? "sim" : selected ? "selected" : kind === "on_error" || kind === "timeout" ? "alt" : "plain");
  const edge = (
    <BaseEdge
      id={id}
      path={path}
      markerEnd={props.markerEnd}
      style={STROKES[state]}
      className={cx("fd-edge", `fd-edge--${state}`, `fd-edge--kind-${kind}`)}
      interactionWidth={18}
    />
  );
  return (
    <>
      {moving ? <g className="fd-edge-moving">{edge}</g> : edge}
      {(label || severity || diff) && (
        <EdgeLabelRenderer>
          <div
            className={cx("fd-edge-label", "nodrag", "nopan", `fd-edge-label--${state}`, selected && "is-selected", moving && "fd-edge-moving")}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            data-testid={`edge-label-${id}`}
            title={problems?.map((p) => p.message).join("\n")}
          >
            {label}
            {severity && problems && <span className={cx("fd-badge", `fd-badge--${severity}`)}>{problems.length}</span>}
            {diff && <span className={cx("fd-diff-tag", `fd-diff-tag--${diff}`)}>{diff}</span>}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

export const edgeTypes: EdgeTypes = { workflow: WorkflowEdge };
