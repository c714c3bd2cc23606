/** The right-hand panel: tabs for properties, inputs, problems and versions. */
import { type KeyboardEvent, type ReactNode, useRef } from "react";
import { cx } from "./DecorContext";

export type TabId = "properties" | "inputs" | "problems" | "versions";

interface Tab {
  id: TabId;
  label: string;
  badge?: { count: number; severity: "error" | "warning" } | null;
  content: ReactNode;
}

export function Sidebar({ tabs, current, onSelect }: { tabs: Tab[]; current: TabId; onSelect: (id: TabId) => void }) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKey = (e: KeyboardEvent, index: number) => {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = tabs[(index + step + tabs.length) % tabs.length]!;
    onSelect(next.id);
    refs.current[next.id]?.focus();
  };
  const active = tabs.find((t) => t.id === current) ?? tabs[0]!;
  return (
    <aside className="fd-sidebar" aria-label="Details">
      <div className="fd-tabs" role="tablist" aria-label="Panels">
        {tabs.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`fd-tab-${t.id}`}
            aria-selected={t.id === active.id}
            aria-controls={`fd-tabpanel-${t.id}`}
            tabIndex={t.id === active.id ? 0 : -1}
            className={cx("fd-tab", t.id === active.id && "is-active")}
            data-testid={`tab-${t.id}`}
            onClick={() => onSelect(t.id)}
            onKeyDown={(e) => onKey(e, i)}
          >
            {t.label}
            {t.badge && t.badge.count > 0 && <span className={cx("fd-badge", `fd-badge--${t.badge.severity}`)}>{t.badge.count}</span>}
          </button>
        ))}
      </div>
      <div className="fd-tabpanel" role="tabpanel" id={`fd-tabpanel-${active.id}`} aria-labelledby={`fd-tab-${active.id}`}>
        {active.content}
      </div>
    </aside>
  );
}
