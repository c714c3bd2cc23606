/** The strip above the canvas saying what is shown when it is not the editable draft. */
import type { GraphDiff } from "../graph/diff";
import type { Replay } from "../hooks/useSimulationReplay";
import type { VersionView } from "./Editor";
import { Icon } from "./Icon";

interface Props {
  view: VersionView | null;
  diff: GraphDiff | null;
  replay: Replay;
  canEdit: boolean;
  catalogError: string | null;
  onClose: () => void;
  onRestore: (n: number) => void;
  onClearReplay: () => void;
}

const count = (d: GraphDiff, k: "added" | "removed" | "changed") => d.nodes[k].length + d.edges[k].length;

export function ViewBanner({ view, diff, replay, canEdit, catalogError, onClose, onRestore, onClearReplay }: Props) {
  if (catalogError) return <div className="fd-banner fd-banner--error" role="alert">{catalogError}</div>;
  if (view) {
    const n = view.version.number;
    return (
      <div className="fd-banner" data-testid="view-banner" role="status">
        <Icon name={view.mode === "diff" ? "compare" : "eye"} size={16} />
        {view.mode === "view" ? (
          <span>Viewing version {n} ({view.version.status}), read-only.</span>
        ) : diff ? (
          <span>
            Draft compared with version {n}:{" "}
            <span className="fd-legend fd-legend--added">{count(diff, "added")} added</span>{" "}
            <span className="fd-legend fd-legend--changed">{count(diff, "changed")} changed</span>{" "}
            <span className="fd-legend fd-legend--removed">{count(diff, "removed")} removed</span>
          </span>
        ) : null}
        <span className="fd-banner__spacer" />
        {canEdit && (
          <button type="button" className="fd-btn fd-btn--small" data-testid="banner-restore" onClick={() => onRestore(n)}>Restore as draft</button>
        )}
        <button type="button" className="fd-btn fd-btn--small fd-btn--primary" data-testid="banner-close" onClick={onClose}>Back to the draft</button>
      </div>
    );
  }
  if (replay.result) {
    return (
      <div className="fd-banner fd-banner--sim" data-testid="simulation-banner" role="status">
        <Icon name="simulate" size={16} />
        <span>
          Dry run {replay.done ? `finished: ${replay.result.status}` : "replaying…"} ({replay.result.path.length} steps
          {replay.done && replay.result.result !== null && replay.result.result !== undefined ? `, result ${JSON.stringify(replay.result.result)}` : ""})
        </span>
        <span className="fd-banner__spacer" />
        <button type="button" className="fd-btn fd-btn--small" onClick={onClearReplay}>Clear</button>
      </div>
    );
  }
  return null;
}
