/** Short-lived messages in a polite live region. */
import { useCallback, useMemo, useRef, useState } from "react";
import { cx } from "./DecorContext";
import { Icon } from "./Icon";

export interface Toast {
  id: number;
  text: string;
  tone: "info" | "error";
  testId?: string;
}

export function useToasts() {
  const [items, setItems] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setItems((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (text: string, tone: Toast["tone"] = "info", testId?: string) => {
      const id = next.current++;
      setItems((all) => [...all.slice(-3), { id, text, tone, testId }]);
      window.setTimeout(() => dismiss(id), tone === "error" ? 10000 : 3500);
    },
    [dismiss],
  );
  return useMemo(() => ({ items, show, dismiss }), [items, show, dismiss]);
}

export function Toasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss: (id: number) => void }) {
  return (
    <div className="fd-toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={cx("fd-toast", `fd-toast--${t.tone}`)} role={t.tone === "error" ? "alert" : "status"} data-testid={t.testId ?? "toast"}>
          <span>{t.text}</span>
          <button type="button" className="fd-icon-btn" aria-label="Dismiss message" onClick={() => onDismiss(t.id)}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
