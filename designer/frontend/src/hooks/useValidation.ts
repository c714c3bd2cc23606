/** Server-side validation of the graph being edited, debounced; stale answers are dropped. */
import { useEffect, useRef, useState } from "react";
import { validateGraph } from "../api/designer";
import type { GraphDoc, Problem } from "../types";

export const VALIDATE_DELAY_MS = 600;

export interface ValidationState {
  problems: Problem[];
  checking: boolean;
  error: string | null;
  /** The graph text the current problems belong to. */
  checkedJson: string | null;
}

export function useValidation(key: string, graphJson: string, active: boolean): ValidationState {
  const [state, setState] = useState<ValidationState>({ problems: [], checking: false, error: null, checkedJson: null });
  const seq = useRef(0);

  useEffect(() => {
    if (!active) return undefined;
    const mine = ++seq.current;
    const controller = new AbortController();
    setState((s) => (s.checking ? s : { ...s, checking: true })); // unchanged: no re-render per keystroke or move
    const timer = window.setTimeout(() => {
      validateGraph(key, JSON.parse(graphJson) as GraphDoc, controller.signal)
        .then((result) => {
          if (mine === seq.current) setState({ problems: result.problems ?? [], checking: false, error: null, checkedJson: graphJson });
        })
        .catch((e: Error) => {
          if (e.name === "AbortError" || mine !== seq.current) return;
          setState((s) => ({ ...s, checking: false, error: `Could not check the workflow: ${e.message}` }));
        });
    }, VALIDATE_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [key, graphJson, active]);

  return state;
}
