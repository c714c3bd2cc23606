/** What the canvas paints on top of the graph: problems, diff status, a dry run's path. */
import { createContext } from "react";
import type { DiffStatus } from "../graph/diff";
import { indexProblems, type ProblemIndex } from "../graph/problems";
import type { NodeTypeSpec } from "../types";

export type SimStatus = "visited" | "active" | "failed";

export interface Decor {
  nodeType: (type: string) => NodeTypeSpec | undefined;
  problems: ProblemIndex;
  diffNodes: Map<string, DiffStatus> | null;
  diffEdges: Map<string, DiffStatus> | null;
  simNodes: Map<string, SimStatus> | null;
  simEdges: Set<string> | null;
}

export const emptyDecor: Decor = {
  nodeType: () => undefined,
  problems: indexProblems([]),
  diffNodes: null,
  diffEdges: null,
  simNodes: null,
  simEdges: null,
};

export const DecorContext = createContext<Decor>(emptyDecor);

export const cx = (...names: (string | false | null | undefined)[]): string => names.filter(Boolean).join(" ");
