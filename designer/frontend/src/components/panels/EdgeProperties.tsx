/** Properties of one edge: its kind (limited by the source node's type), its value, its label. */
import { useId } from "react";
import { EDGE_KIND_LABELS, type EdgeKind, allowedEdgeKinds, approvalOutcomes, edgeKindOf, withEdgeKind } from "../../graph/edgeKinds";
import type { GraphEdge, GraphNode, NodeTypeSpec } from "../../types";

interface Props {
  edge: GraphEdge;
  source: GraphNode | undefined;
  target: GraphNode | undefined;
  sourceSpec: NodeTypeSpec | undefined;
  readOnly: boolean;
  onChange: (update: (raw: GraphEdge) => GraphEdge) => void;
}

export function EdgeProperties({ edge, source, target, sourceSpec, readOnly, onChange }: Props) {
  const kindId = useId();
  const valueId = useId();
  const labelId = useId();
  const kind = edgeKindOf(edge);
  const kinds = allowedEdgeKinds(sourceSpec, kind);
  const outcomes = approvalOutcomes(source);

  const changeKind = (next: EdgeKind) => {
    const value = next === "outcome" ? (edge.outcome ?? outcomes[0] ?? "") : next === "condition" ? (edge.condition ?? "") : "";
    onChange((raw) => withEdgeKind(raw, next, value));
  };

  return (
    <div className="fd-props" data-testid="edge-properties">
      <header className="fd-props__header">
        <span className="fd-props__kind">Connection</span>
        <p className="fd-field__help">
          {source?.name || edge.source} → {target?.name || edge.target} <span className="fd-muted">({edge.id})</span>
        </p>
      </header>
      <div className="fd-field">
        <label className="fd-field__label" htmlFor={kindId}>Kind</label>
        <select id={kindId} value={kind} disabled={readOnly} data-testid="field-edge-kind" onChange={(e) => changeKind(e.target.value as EdgeKind)}>
          {kinds.map((k) => (
            <option key={k} value={k}>{EDGE_KIND_LABELS[k]}</option>
          ))}
        </select>
        <p className="fd-field__help">
          {kind === "default" && "Taken when no condition on the other edges is true."}
          {kind === "on_error" && "Taken when the task still fails after its retries."}
          {kind === "timeout" && "Taken when the wait or approval times out."}
          {kind === "plain" && sourceSpec?.edge_kinds.length ? `Edges leaving a ${sourceSpec.label.toLowerCase()} can also be: ${sourceSpec.edge_kinds.map((k) => EDGE_KIND_LABELS[k].toLowerCase()).join(", ")}.` : null}
        </p>
      </div>
      {kind === "condition" && (
        <div className="fd-field">
          <label className="fd-field__label" htmlFor={valueId}>Condition<span className="fd-required" aria-label="required">*</span></label>
          <input id={valueId} type="text" className="fd-mono" value={edge.condition ?? ""} disabled={readOnly} data-testid="field-edge-condition"
            placeholder="input.amount > 1000" onChange={(e) => onChange((raw) => withEdgeKind(raw, "condition", e.target.value))} />
          <p className="fd-field__help">An expression over <code>input</code>, <code>vars</code>, <code>steps</code> and <code>instance</code>; the first true edge is taken.</p>
        </div>
      )}
      {kind === "outcome" && (
        <div className="fd-field">
          <label className="fd-field__label" htmlFor={valueId}>Outcome<span className="fd-required" aria-label="required">*</span></label>
          <select id={valueId} value={edge.outcome ?? ""} disabled={readOnly} data-testid="field-edge-outcome" onChange={(e) => onChange((raw) => withEdgeKind(raw, "outcome", e.target.value))}>
            {!outcomes.includes(edge.outcome ?? "") && <option value={edge.outcome ?? ""}>{edge.outcome || "— choose —"}</option>}
            {outcomes.map((o) => (
              <option key={o} value={o}>{o}</option>
            ))}
          </select>
        </div>
      )}
      <div className="fd-field">
        <label className="fd-field__label" htmlFor={labelId}>Label</label>
        <input id={labelId} type="text" value={edge.label ?? ""} disabled={readOnly} data-testid="field-edge-label" placeholder="shown on the canvas"
          onChange={(e) => onChange((raw) => {
            const { label: _old, ...rest } = raw;
            return e.target.value ? { ...raw, label: e.target.value } : (rest as GraphEdge);
          })} />
      </div>
    </div>
  );
}
