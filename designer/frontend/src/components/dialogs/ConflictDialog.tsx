/** Someone else saved first (412): reload theirs, keep mine as a copy, or compare the two. */
import { useMemo, useState } from "react";
import { changedTopLevel, diffGraphs, type IdDiff } from "../../graph/diff";
import type { Definition, GraphDoc } from "../../types";
import { Modal } from "./Modal";

interface Props {
  theirs: Definition;
  mine: GraphDoc;
  onReloadTheirs: () => void;
  onKeepMine: () => Promise<void>;
  onClose: () => void;
}

function DiffList({ title, diff }: { title: string; diff: IdDiff }) {
  const rows = [
    ...diff.added.map((id) => ["only in yours", id]),
    ...diff.removed.map((id) => ["only in theirs", id]),
    ...diff.changed.map((id) => ["different", id]),
  ];
  if (!rows.length) return null;
  return (
    <section>
      <h3 className="fd-subtitle">{title}</h3>
      <ul className="fd-diff-list">
        {rows.map(([what, id]) => (
          <li key={`${what}-${id}`}><code>{id}</code> <span className="fd-muted">{what}</span></li>
        ))}
      </ul>
    </section>
  );
}

export function ConflictDialog({ theirs, mine, onReloadTheirs, onKeepMine, onClose }: Props) {
  const [comparing, setComparing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const diff = useMemo(() => diffGraphs(theirs.graph, mine, { positions: true }), [theirs, mine]);
  const topLevel = useMemo(() => changedTopLevel(theirs.graph, mine), [theirs, mine]);
  const keepMine = async () => {
    setBusy(true);
    setError(null);
    try {
      await onKeepMine();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  const footer = (
    <>
      <button type="button" className="fd-btn" data-testid="conflict-compare" onClick={() => setComparing((c) => !c)} aria-expanded={comparing}>
        {comparing ? "Hide differences" : "Compare"}
      </button>
      <button type="button" className="fd-btn" data-testid="conflict-keep-mine" disabled={busy} onClick={() => void keepMine()}>
        Keep mine as a copy
      </button>
      <button type="button" className="fd-btn fd-btn--primary" data-testid="conflict-reload" disabled={busy} onClick={onReloadTheirs}>
        Reload theirs
      </button>
    </>
  );
  return (
    <Modal title="This workflow was changed by someone else" testId="conflict-dialog" onClose={onClose} footer={footer} wide>
      <p>
        While you were editing, the draft was saved again (now revision {theirs.revision}, at{" "}
        {new Date(theirs.updated_at).toLocaleString()}). Your changes are not saved yet and nothing was overwritten.
      </p>
      <ul className="fd-choices">
        <li><strong>Reload theirs</strong>: drop your unsaved changes and continue from the saved draft.</li>
        <li><strong>Keep mine as a copy</strong>: save your version as a new workflow and open it.</li>
      </ul>
      {error && <p className="fd-field__error" role="alert">{error}</p>}
      {comparing && (
        <div className="fd-compare" data-testid="conflict-diff">
          {topLevel.length > 0 && <p>Top-level fields that differ: {topLevel.map((k) => <code key={k}>{k} </code>)}</p>}
          <DiffList title="Steps" diff={diff.nodes} />
          <DiffList title="Connections" diff={diff.edges} />
          {!topLevel.length && ![diff.nodes, diff.edges].some((d) => d.added.length + d.removed.length + d.changed.length) && (
            <p>The two graphs are the same; only the revision differs.</p>
          )}
        </div>
      )}
    </Modal>
  );
}
