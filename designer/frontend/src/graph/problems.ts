/** Validation problems indexed for the canvas (per node / per edge) and the problems list. */
import type { Problem } from "../types";

export interface ProblemIndex {
  byNode: Map<string, Problem[]>;
  byEdge: Map<string, Problem[]>;
  general: Problem[];
  errors: number;
  warnings: number;
}

function file(map: Map<string, Problem[]>, id: string, problem: Problem): void {
  const list = map.get(id);
  if (list) list.push(problem);
  else map.set(id, [problem]);
}

export function indexProblems(problems: readonly Problem[]): ProblemIndex {
  const index: ProblemIndex = { byNode: new Map(), byEdge: new Map(), general: [], errors: 0, warnings: 0 };
  for (const p of problems) {
    if (p.severity === "error") index.errors += 1;
    else index.warnings += 1;
    if (p.edge) file(index.byEdge, p.edge, p);
    else if (p.node) file(index.byNode, p.node, p);
    else index.general.push(p);
  }
  return index;
}

export function worstSeverity(problems: readonly Problem[] | undefined): "error" | "warning" | null {
  if (!problems?.length) return null;
  return problems.some((p) => p.severity === "error") ? "error" : "warning";
}

/** Errors first, then warnings; stable otherwise. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
}
