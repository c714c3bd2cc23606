import { describe, expect, it } from "vitest";
import type { GraphEdge, NodeTypeSpec } from "../types";
import {
  allowedEdgeKinds,
  approvalOutcomes,
  edgeDisplayLabel,
  edgeKindOf,
  suggestedEdgeFields,
  withEdgeKind,
} from "./edgeKinds";

const edge: GraphEdge = { id: "e1", source: "a", target: "b" };

describe("edge kinds", () => {
  it("reads each kind from its field", () => {
    expect(edgeKindOf(edge)).toBe("plain");
    expect(edgeKindOf({ ...edge, condition: "x > 1" })).toBe("condition");
    expect(edgeKindOf({ ...edge, condition: "" })).toBe("condition");
    expect(edgeKindOf({ ...edge, default: true })).toBe("default");
    expect(edgeKindOf({ ...edge, outcome: "approved" })).toBe("outcome");
    expect(edgeKindOf({ ...edge, on_error: true })).toBe("on_error");
    expect(edgeKindOf({ ...edge, timeout: true })).toBe("timeout");
  });

  it("keeps at most one kind field when switching, and keeps the label", () => {
    const labelled = { ...edge, condition: "x", label: "big" };
    expect(withEdgeKind(labelled, "default")).toEqual({ ...edge, label: "big", default: true });
    expect(withEdgeKind(labelled, "outcome", "rejected")).toEqual({ ...edge, label: "big", outcome: "rejected" });
    expect(withEdgeKind(labelled, "plain")).toEqual({ ...edge, label: "big" });
  });

  it("offers plain plus the source type's kinds, and never hides the current kind", () => {
    const spec = { edge_kinds: ["on_error"] } as NodeTypeSpec;
    expect(allowedEdgeKinds(spec)).toEqual(["plain", "on_error"]);
    expect(allowedEdgeKinds(undefined, "timeout")).toEqual(["plain", "timeout"]);
  });

  it("uses the approval's outcomes or the defaults", () => {
    expect(approvalOutcomes({ id: "a", type: "approval", config: { outcomes: ["go", "stop"] } })).toEqual(["go", "stop"]);
    expect(approvalOutcomes({ id: "a", type: "approval", config: {} })).toEqual(["approved", "rejected"]);
  });

  it("suggests the first unused outcome for a new edge leaving an approval", () => {
    const approval = { id: "a", type: "approval", config: {} };
    expect(suggestedEdgeFields(approval, [])).toEqual({ outcome: "approved" });
    expect(suggestedEdgeFields(approval, [{ ...edge, outcome: "approved" }])).toEqual({ outcome: "rejected" });
    expect(suggestedEdgeFields({ id: "t", type: "task" }, [])).toEqual({});
  });

  it("labels edges by their label, else by their kind", () => {
    expect(edgeDisplayLabel({ ...edge, condition: "x > 1" })).toBe("x > 1");
    expect(edgeDisplayLabel({ ...edge, condition: "x > 1", label: "big" })).toBe("big");
    expect(edgeDisplayLabel({ ...edge, on_error: true })).toBe("on error");
    expect(edgeDisplayLabel(edge)).toBe("");
  });
});
