/** The body every workflow node shares: icon, type, name, a one-line summary, handles and badges. */
import { Handle, Position } from "@xyflow/react";
import { useContext } from "react";
import type { FlowNode } from "../../graph/convert";
import { worstSeverity } from "../../graph/problems";
import { nodeSummary } from "../../graph/summary";
import { DecorContext, cx } from "../DecorContext";
import { nodeColour, nodeIconClass } from "./nodeIcon";
import { NAME_FONT, SUMMARY_FONT, mayOverflow } from "./textFit";

export type NodeVariant = "terminal" | "activity" | "gateway" | "wait" | "human" | "generic";

interface ShellProps {
  id: string;
  data: FlowNode["data"];
  selected: boolean;
  variant: NodeVariant;
}

export function NodeShell({ id, data, selected, variant }: ShellProps) {
  const decor = useContext(DecorContext);
  const raw = data.raw;
  const spec = decor.nodeType(raw.type);
  const problems = decor.problems.byNode.get(id);
  const severity = worstSeverity(problems);
  const diff = decor.diffNodes?.get(id);
  const sim = decor.simNodes?.get(id);
  const hasIn = spec ? spec.max_incoming !== 0 : raw.type !== "start";
  const hasOut = spec ? spec.max_outgoing !== 0 : raw.type !== "end";
  const typeLabel = spec?.label ?? raw.type;
  const summary = nodeSummary(raw);
  const name = raw.name || id;
  const icon = nodeIconClass(spec?.icon ?? raw.type, nodeColour(variant, raw.type), variant === "gateway");
  return (
    <div
      className={cx(
        "fd-node",
        `fd-node--${variant}`,
        `fd-node--type-${raw.type}`,
        severity && `has-${severity}`,
        diff && `diff-${diff}`,
        sim && `sim-${sim}`,
        selected && "is-selected",
      )}
      data-testid={`node-${id}`}
      data-node-type={raw.type}
      title={spec?.description}
    >
      {hasIn && (
        <Handle type="target" position={Position.Left} data-testid={`handle-${id}-in`} aria-label={`Input of ${name}`} />
      )}
      <span className={`fd-node__icon ${icon}`} aria-hidden="true" />
      <span className="fd-node__text">
        <span className="fd-node__type">{typeLabel}</span>
        <span className={cx("fd-node__name", mayOverflow(name, NAME_FONT) && "fd-clip")}>{name}</span>
        {summary && <span className={cx("fd-node__summary", mayOverflow(summary, SUMMARY_FONT) && "fd-clip")}>{summary}</span>}
      </span>
      {severity && problems && (
        <span
          className={cx("fd-badge", `fd-badge--${severity}`)}
          data-testid={`node-${id}-problems`}
          title={problems.map((p) => p.message).join("\n")}
          aria-label={`${problems.length} problem${problems.length > 1 ? "s" : ""}: ${problems.map((p) => p.message).join("; ")}`}
        >
          {problems.length}
        </span>
      )}
      {diff && <span className={cx("fd-diff-tag", `fd-diff-tag--${diff}`)}>{diff}</span>}
      {hasOut && (
        <Handle type="source" position={Position.Right} data-testid={`handle-${id}-out`} aria-label={`Output of ${name}`} />
      )}
    </div>
  );
}
