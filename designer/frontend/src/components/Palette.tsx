/** Node types grouped by category: drag one onto the canvas, or click / press Enter to add it. */
import { type DragEvent, memo, useMemo } from "react";
import type { NodeTypeSpec } from "../types";
import { DND_TYPE } from "./Canvas";
import { Icon } from "./Icon";

const CATEGORY_ORDER = ["start/end", "activities", "human", "flow", "waits"];
const CATEGORY_LABELS: Record<string, string> = {
  "start/end": "Start & end",
  activities: "Activities",
  human: "People",
  flow: "Flow control",
  waits: "Waiting",
};

export function groupByCategory(types: NodeTypeSpec[]): [string, NodeTypeSpec[]][] {
  const groups = new Map<string, NodeTypeSpec[]>();
  for (const t of types) groups.set(t.category, [...(groups.get(t.category) ?? []), t]);
  const rank = (c: string) => (CATEGORY_ORDER.includes(c) ? CATEGORY_ORDER.indexOf(c) : CATEGORY_ORDER.length);
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

interface PaletteProps {
  types: NodeTypeSpec[];
  disabled: boolean;
  onAdd: (type: string) => void;
}

export const Palette = memo(function Palette({ types, disabled, onAdd }: PaletteProps) {
  const groups = useMemo(() => groupByCategory(types), [types]);
  const onDragStart = (event: DragEvent, type: string) => {
    event.dataTransfer.setData(DND_TYPE, type);
    event.dataTransfer.setData("text/plain", type);
    event.dataTransfer.effectAllowed = "copy";
  };
  return (
    <nav className="fd-palette" aria-label="Node palette" data-testid="palette">
      <h2 className="fd-panel-title">Add a step</h2>
      <p className="fd-hint">Drag onto the canvas, or click.</p>
      {groups.map(([category, items]) => (
        <section key={category} className="fd-palette__group" aria-label={CATEGORY_LABELS[category] ?? category}>
          <h3 className="fd-palette__heading">{CATEGORY_LABELS[category] ?? category}</h3>
          <ul className="fd-palette__list">
            {items.map((t) => (
              <li key={t.type}>
                <button
                  type="button"
                  className={`fd-palette__item fd-palette__item--${t.category.replace(/\W/g, "")}`}
                  draggable={!disabled}
                  disabled={disabled}
                  onDragStart={(e) => onDragStart(e, t.type)}
                  onClick={() => onAdd(t.type)}
                  data-testid={`palette-${t.type}`}
                  title={t.description}
                  aria-label={`Add ${t.label}: ${t.description}`}
                >
                  <span className="fd-palette__icon" aria-hidden="true">
                    <Icon name={t.icon || t.type} size={16} />
                  </span>
                  <span className="fd-palette__label">{t.label}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {!types.length && <p className="fd-hint">Loading node types…</p>}
    </nav>
  );
});
