/** Publish the draft as a new immutable version, with release notes. */
import { useId, useState } from "react";
import { ApiError } from "../../api/client";
import type { Problem } from "../../types";
import { Modal } from "./Modal";

interface Props {
  nextVersion: number;
  onPublish: (notes: string) => Promise<void>;
  onClose: () => void;
}

export function PublishDialog({ nextVersion, onPublish, onClose }: Props) {
  const notesId = useId();
  const [notes, setNotes] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onPublish(notes);
    } catch (e) {
      setError((e as Error).message);
      const details = e instanceof ApiError ? (e.details as { problems?: Problem[] } | undefined) : undefined;
      setProblems(details?.problems ?? []);
      setBusy(false);
    }
  };
  return (
    <Modal
      title={`Publish version ${nextVersion}`}
      testId="publish-dialog"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="fd-btn" onClick={onClose}>Cancel</button>
          <button type="button" className="fd-btn fd-btn--primary" disabled={busy} data-testid="publish-confirm" onClick={() => void submit()}>
            {busy ? "Publishing…" : "Publish"}
          </button>
        </>
      }
    >
      <p>Publishing freezes the saved draft. New instances start on it; running ones keep their version.</p>
      <div className="fd-field">
        <label className="fd-field__label" htmlFor={notesId}>Release notes</label>
        <textarea id={notesId} rows={4} value={notes} data-testid="publish-notes" placeholder="What changed, and why" onChange={(e) => setNotes(e.target.value)} />
      </div>
      {error && <p className="fd-field__error" role="alert">{error}</p>}
      {problems.length > 0 && (
        <ul className="fd-diff-list">{problems.map((p, i) => <li key={i}>{p.message}</li>)}</ul>
      )}
    </Modal>
  );
}
