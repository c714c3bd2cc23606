/** Start an instance of the latest published version, then go to its live page. */
import { useId, useState } from "react";
import { startInstance } from "../../api/designer";
import { buildRunInput, type Inputs } from "../../graph/inputs";
import { InputsForm } from "./InputsForm";
import { Modal } from "./Modal";

interface Props {
  definitionKey: string;
  inputs: Inputs;
  latestVersion: number | null;
  onStarted: (instanceId: string) => void;
  onClose: () => void;
}

export function RunDialog({ definitionKey, inputs, latestVersion, onStarted, onClose }: Props) {
  const bkId = useId();
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [businessKey, setBusinessKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const built = buildRunInput(inputs, texts);
    setErrors(built.errors);
    if (Object.keys(built.errors).length) return;
    setBusy(true);
    setError(null);
    try {
      const instance = await startInstance({ definition: definitionKey, input: built.input, ...(businessKey ? { business_key: businessKey } : {}) });
      onStarted(String(instance.id));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal
      title="Run this workflow"
      testId="run-dialog"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="fd-btn" onClick={onClose}>Cancel</button>
          <button type="button" className="fd-btn fd-btn--primary" disabled={busy || latestVersion === null} data-testid="run-confirm" onClick={() => void submit()}>
            {busy ? "Starting…" : "Start"}
          </button>
        </>
      }
    >
      {latestVersion === null ? (
        <p className="fd-field__error">Nothing is published yet: publish a version first. Instances always run a published version.</p>
      ) : (
        <p>Starts an instance of version {latestVersion} (the latest published). Unpublished draft changes are not included.</p>
      )}
      <InputsForm inputs={inputs} texts={texts} errors={errors} onChange={(name, text) => setTexts((t) => ({ ...t, [name]: text }))} />
      <div className="fd-field">
        <label className="fd-field__label" htmlFor={bkId}>Business key <span className="fd-muted">(optional)</span></label>
        <input id={bkId} type="text" value={businessKey} data-testid="run-business-key" onChange={(e) => setBusinessKey(e.target.value)} />
      </div>
      {error && <p className="fd-field__error" role="alert">{error}</p>}
    </Modal>
  );
}
