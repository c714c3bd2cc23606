/** Published versions: view one read-only, compare it with the draft, restore it as the draft. */
import type { VersionSummary } from "../../types";
import { cx } from "../DecorContext";
import { Icon } from "../Icon";

interface Props {
  versions: VersionSummary[] | null;
  error: string | null;
  viewing: { number: number; mode: "view" | "diff" } | null;
  canEdit: boolean;
  canPublish: boolean;
  publishBlocked: string | null;
  onPublish: () => void;
  onView: (n: number) => void;
  onCompare: (n: number) => void;
  onRestore: (n: number) => void;
}

const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : "");

export function VersionsPanel(props: Props) {
  const { versions, error, viewing } = props;
  return (
    <div className="fd-versions" data-testid="versions-panel">
      <button type="button" className="fd-btn fd-btn--primary fd-btn--block" disabled={!props.canPublish || Boolean(props.publishBlocked)}
        title={props.publishBlocked ?? undefined} onClick={props.onPublish}>
        <Icon name="rocket" size={15} /> Publish a new version…
      </button>
      {props.publishBlocked && <p className="fd-hint">{props.publishBlocked}</p>}
      {error && <p className="fd-field__error" role="alert">{error}</p>}
      {versions === null && !error && <p className="fd-hint">Loading versions…</p>}
      {versions?.length === 0 && <p className="fd-hint">Nothing published yet. Instances run published versions only.</p>}
      <ol className="fd-version-list">
        {versions?.map((v) => (
          <li key={v.number} className={cx("fd-version", viewing?.number === v.number && "is-current")} data-testid={`version-${v.number}`}>
            <div className="fd-version__head">
              <strong>v{v.number}</strong>
              <span className={cx("fd-pill", `fd-pill--${v.status}`)}>{v.status}</span>
            </div>
            <div className="fd-version__meta">{[v.published_by, when(v.published_at)].filter(Boolean).join(" · ")}</div>
            {v.notes && <p className="fd-version__notes">{v.notes}</p>}
            <div className="fd-version__actions">
              <button type="button" className="fd-btn fd-btn--small" data-testid={`version-${v.number}-view`} onClick={() => props.onView(v.number)}>
                <Icon name="eye" size={14} /> View
              </button>
              <button type="button" className="fd-btn fd-btn--small" data-testid={`version-${v.number}-compare`} onClick={() => props.onCompare(v.number)}>
                <Icon name="compare" size={14} /> Compare
              </button>
              <button type="button" className="fd-btn fd-btn--small" disabled={!props.canEdit} data-testid={`version-${v.number}-restore`} onClick={() => props.onRestore(v.number)}>
                <Icon name="history" size={14} /> Restore
              </button>
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
