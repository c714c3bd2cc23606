/** The kinds of edge (GRAPH_FORMAT.md "Edges"): at most one of condition/default/outcome/on_error/timeout. */
import type { EdgeKindName, GraphEdge, GraphNode, NodeTypeSpec } from "../types";

export type EdgeKind = "plain" | EdgeKindName;

export const EDGE_KIND_LABELS: Record<EdgeKind, string> = {
  plain: "Plain",
  condition: "Condition expression",
  default: "Default (fallback)",
  outcome: "Approval outcome",
  on_error: "On error",
  timeout: "On timeout",
};

const KIND_FIELDS = ["condition", "default", "outcome", "on_error", "timeout"] as const;

export const DEFAULT_OUTCOMES = ["approved", "rejected"];

export function edgeKindOf(edge: GraphEdge): EdgeKind {
  if (typeof edge.condition === "string") return "condition";
  if (edge.default === true) return "default";
  if (typeof edge.outcome === "string") return "outcome";
  if (edge.on_error === true) return "on_error";
  if (edge.timeout === true) return "timeout";
  return "plain";
}

/** The edge with its kind replaced; the value is the expression (condition) or the outcome name. */
export function withEdgeKind(edge: GraphEdge, kind: EdgeKind, value = ""): GraphEdge {
  const next: GraphEdge = { ...edge };
  for (const field of KIND_FIELDS) delete next[field];
  if (kind === "condition") next.condition = value;
  else if (kind === "outcome") next.outcome = value;
  else if (kind !== "plain") next[kind] = true;
  return next;
}

/** Kinds offered for an edge leaving a node of this type; the edge's current kind always stays offered. */
export function allowedEdgeKinds(spec: NodeTypeSpec | undefined, current: EdgeKind = "plain"): EdgeKind[] {
  const kinds: EdgeKind[] = ["plain", ...(spec?.edge_kinds ?? [])];
  if (!kinds.includes(current)) kinds.push(current);
  return kinds;
}

export function approvalOutcomes(node: GraphNode | undefined): string[] {
  const outcomes = node?.config?.outcomes;
  if (Array.isArray(outcomes)) {
    const names = outcomes.filter((o): o is string => typeof o === "string" && o.length > 0);
    if (names.length) return names;
  }
  return DEFAULT_OUTCOMES;
}

/** What the canvas writes on an edge: its own label, else a short description of its kind. */
export function edgeDisplayLabel(edge: GraphEdge): string {
  if (typeof edge.label === "string" && edge.label) return edge.label;
  switch (edgeKindOf(edge)) {
    case "condition":
      return edge.condition || "condition?";
    case "default":
      return "default";
    case "outcome":
      return edge.outcome ?? "";
    case "on_error":
      return "on error";
    case "timeout":
      return "timeout";
    default:
      return "";
  }
}

/**
 * Fields for a freshly drawn edge: leaving an approval it takes the first outcome no sibling edge
 * uses yet; leaving anything else it starts plain.
 */
export function suggestedEdgeFields(source: GraphNode | undefined, siblings: GraphEdge[]): Partial<GraphEdge> {
  if (source?.type !== "approval") return {};
  const used = new Set(siblings.map((e) => e.outcome).filter(Boolean));
  const free = approvalOutcomes(source).find((o) => !used.has(o));
  return free === undefined ? {} : { outcome: free };
}
