/** Window-level keyboard shortcuts; editing keys are left alone while the focus is in a text field. */
import { useEffect, useRef } from "react";

export interface ShortcutHandlers {
  save?: () => void;
  undo?: () => void;
  redo?: () => void;
  copy?: () => void;
  paste?: () => void;
  selectAll?: () => void;
}

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function useShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      const h = ref.current;
      if (key === "s") {
        event.preventDefault();
        h.save?.();
        return;
      }
      if (inTextField(event.target) || document.querySelector("[role=dialog]")) return;
      const action =
        key === "z" && event.shiftKey ? h.redo
        : key === "z" ? h.undo
        : key === "y" ? h.redo
        : key === "c" ? h.copy
        : key === "v" ? h.paste
        : key === "a" ? h.selectAll
        : undefined;
      if (action) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
