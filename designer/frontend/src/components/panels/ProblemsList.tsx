/** Every validation problem; choosing one selects and centres the node or edge it names. */
import { sortProblems } from "../../graph/problems";
import type { Problem } from "../../types";
import { cx } from "../DecorContext";
import { Icon } from "../Icon";

interface Props {
  problems: Problem[];
  checking: boolean;
  error: string | null;
  onFocus: (problem: Problem) => void;
}

export function ProblemsList({ problems, checking, error, onFocus }: Props) {
  const sorted = sortProblems(problems);
  return (
    <div className="fd-problems" data-testid="problems-list">
      <p className="fd-hint" aria-live="polite">
        {checking ? "Checking…" : error ? error : problems.length ? `${problems.length} problem${problems.length > 1 ? "s" : ""}` : "No problems found. Ready to publish."}
      </p>
      <ul>
        {sorted.map((p, i) => (
          <li key={`${p.code}-${p.node ?? ""}-${p.edge ?? ""}-${i}`}>
            <button type="button" className={cx("fd-problem", `fd-problem--${p.severity}`)} data-testid="problem-item"
              data-code={p.code} data-node={p.node ?? undefined} data-edge={p.edge ?? undefined} onClick={() => onFocus(p)}>
              <Icon name="warning" size={15} />
              <span className="fd-problem__text">
                <span className="fd-problem__message">{p.message}</span>
                <span className="fd-problem__where">
                  {p.severity} · {p.code}
                  {p.edge ? ` · edge ${p.edge}` : p.node ? ` · node ${p.node}` : ""}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
