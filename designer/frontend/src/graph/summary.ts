/** One short line under a node's name saying what it is set to do. */
import type { GraphNode, Json } from "../types";

const str = (v: Json | undefined): string | undefined => (typeof v === "string" && v ? v : undefined);

export function nodeSummary(node: GraphNode): string {
  const c = node.config ?? {};
  switch (node.type) {
    case "task":
      return str(c.action) ?? "no action chosen";
    case "approval": {
      const a = c.assignees;
      const groups = a && typeof a === "object" && !Array.isArray(a) ? a.groups : undefined;
      const users = a && typeof a === "object" && !Array.isArray(a) ? a.users : undefined;
      const names = [...(Array.isArray(groups) ? groups : []), ...(Array.isArray(users) ? users : [])].filter(
        (n): n is string => typeof n === "string" && n.length > 0,
      );
      return names.length ? names.join(", ") : "nobody assigned";
    }
    case "timer":
      return str(c.duration) ? `wait ${c.duration}` : str(c.until) ? `until ${c.until}` : "no duration";
    case "signal":
      return str(c.name) ? `waits for "${c.name}"` : "no signal name";
    case "subworkflow":
      return str(c.definition) ?? "no workflow chosen";
    case "set": {
      const assign = c.assign;
      const keys = assign && typeof assign === "object" && !Array.isArray(assign) ? Object.keys(assign) : [];
      return keys.length ? `sets ${keys.join(", ")}` : "sets nothing";
    }
    case "end":
      return str(c.result) ? `result: ${c.result}` : "";
    default:
      return "";
  }
}
