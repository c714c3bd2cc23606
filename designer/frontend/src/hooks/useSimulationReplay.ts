/** Replays a dry run's path on the canvas one step at a time. */
import { useCallback, useEffect, useRef, useState } from "react";
import type { SimStatus } from "../components/DecorContext";
import type { SimulationResult } from "../types";

export const STEP_MS = 450;

export interface Replay {
  result: SimulationResult | null;
  nodes: Map<string, SimStatus> | null;
  edges: Set<string> | null;
  done: boolean;
  play: (result: SimulationResult) => void;
  clear: () => void;
}

export function useSimulationReplay(): Replay {
  const [result, setResult] = useState<SimulationResult | null>(null);
  const [shown, setShown] = useState(0);
  const timer = useRef<number | undefined>(undefined);

  const clear = useCallback(() => {
    window.clearInterval(timer.current);
    setResult(null);
    setShown(0);
  }, []);

  const play = useCallback((next: SimulationResult) => {
    window.clearInterval(timer.current);
    setResult(next);
    setShown(1);
    timer.current = window.setInterval(() => {
      setShown((n) => {
        if (n >= next.path.length) window.clearInterval(timer.current);
        return Math.min(n + 1, next.path.length);
      });
    }, STEP_MS);
  }, []);

  useEffect(() => () => window.clearInterval(timer.current), []);

  if (!result) return { result, nodes: null, edges: null, done: false, play, clear };
  const nodes = new Map<string, SimStatus>();
  const edges = new Set<string>();
  const visible = result.path.slice(0, shown);
  visible.forEach((step, i) => {
    if (step.edge) edges.add(step.edge);
    const failed = step.status === "failed" || step.status === "error";
    nodes.set(step.node, failed ? "failed" : i === visible.length - 1 && shown < result.path.length ? "active" : "visited");
  });
  return { result, nodes, edges, done: shown >= result.path.length, play, clear };
}
