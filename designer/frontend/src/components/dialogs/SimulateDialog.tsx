/** Dry run: choose inputs and each approval's outcome, simulate on the server, replay the path. */
import { useId, useState } from "react";
import { simulate } from "../../api/designer";
import { approvalOutcomes } from "../../graph/edgeKinds";
import { buildRunInput, type Inputs } from "../../graph/inputs";
import type { GraphDoc, SimulationResult } from "../../types";
import { InputsForm } from "./InputsForm";
import { Modal } from "./Modal";

interface Props {
  definitionKey: string;
  graph: GraphDoc;
  onResult: (result: SimulationResult) => void;
  onClose: () => void;
}

export function SimulateDialog({ definitionKey, graph, onResult, onClose }: Props) {
  const base = useId();
  const inputs: Inputs = graph.inputs ?? {};
  const approvals = graph.nodes.filter((n) => n.type === "approval");
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcomes, setOutcomes] = useState<Record<string, string>>(() =>
    Object.fromEntries(approvals.map((a) => [a.id, approvalOutcomes(a)[0] ?? "approved"])),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<SimulationResult | null>(null);
  const run = async () => {
    const built = buildRunInput(inputs, texts);
    setErrors(built.errors);
    if (Object.keys(built.errors).length) return;
    setBusy(true);
    setError(null);
    try {
      const res = await simulate(definitionKey, { graph, input: built.input, approvals: outcomes });
      setResult(res);
      onResult(res);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title="Dry run"
      testId="simulate-dialog"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="fd-btn" onClick={onClose}>Close</button>
          <button type="button" className="fd-btn fd-btn--primary" disabled={busy} data-testid="simulate-run" onClick={() => void run()}>
            {busy ? "Simulating…" : result ? "Run again" : "Simulate"}
          </button>
        </>
      }
    >
      <p>Walks the draft without running any action or contacting anyone. The path is replayed on the canvas.</p>
      <InputsForm inputs={inputs} texts={texts} errors={errors} onChange={(name, text) => setTexts((t) => ({ ...t, [name]: text }))} />
      {approvals.length > 0 && <h3 className="fd-subtitle">Approval outcomes</h3>}
      {approvals.map((a) => (
        <div className="fd-field" key={a.id}>
          <label className="fd-field__label" htmlFor={`${base}-${a.id}`}>{a.name || a.id}</label>
          <select id={`${base}-${a.id}`} value={outcomes[a.id] ?? ""} data-testid={`simulate-outcome-${a.id}`}
            onChange={(e) => setOutcomes((o) => ({ ...o, [a.id]: e.target.value }))}>
            {approvalOutcomes(a).map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        </div>
      ))}
      {error && <p className="fd-field__error" role="alert">{error}</p>}
      {result && (
        <div className="fd-sim-result" data-testid="simulate-result" aria-live="polite">
          <p><strong>Status:</strong> {result.status}{result.result !== null && result.result !== undefined ? <> · <strong>Result:</strong> {JSON.stringify(result.result)}</> : null}</p>
          <ol className="fd-diff-list">
            {result.path.map((step, i) => <li key={i}><code>{step.node}</code> <span className="fd-muted">{step.status}</span></li>)}
          </ol>
          {Object.keys(result.vars ?? {}).length > 0 && <pre className="fd-mono fd-pre">{JSON.stringify(result.vars, null, 2)}</pre>}
        </div>
      )}
    </Modal>
  );
}
