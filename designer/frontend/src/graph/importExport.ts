/** Reading a graph file a person picked, with messages a person can act on; writing one back. */
import type { GraphDoc } from "../types";

export type ParseResult = { ok: true; graph: GraphDoc } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Accepts a graph document (`flowdesk.graph/v1`) or a definition export (`flowdesk.definition/v1`,
 * whose `graph` is taken). Checks only the shape the canvas needs; the server validates the rest.
 */
export function parseGraphFile(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `This file is not valid JSON (${(e as Error).message}).` };
  }
  if (isObject(data) && typeof data.format === "string" && data.format.startsWith("flowdesk.definition/")) {
    data = data.graph;
  }
  if (!isObject(data)) return { ok: false, error: "This file does not contain a workflow graph (expected a JSON object)." };
  if (typeof data.format !== "string" || !data.format.startsWith("flowdesk.graph/")) {
    return { ok: false, error: 'This is not a Flowdesk graph: "format" should be "flowdesk.graph/v1".' };
  }
  if (data.format !== "flowdesk.graph/v1") return { ok: false, error: `Unsupported graph format "${data.format}".` };
  if (!Array.isArray(data.nodes)) return { ok: false, error: 'The graph has no "nodes" list.' };
  if (data.edges !== undefined && !Array.isArray(data.edges)) return { ok: false, error: '"edges" must be a list.' };
  if (data.inputs !== undefined && !isObject(data.inputs)) return { ok: false, error: '"inputs" must be an object.' };
  const ids = new Set<string>();
  for (const [i, node] of data.nodes.entries()) {
    if (!isObject(node) || typeof node.id !== "string" || typeof node.type !== "string") {
      return { ok: false, error: `Node ${i + 1} needs a text "id" and "type".` };
    }
    if (ids.has(node.id)) return { ok: false, error: `Two nodes share the id "${node.id}".` };
    ids.add(node.id);
    if (node.position !== undefined) {
      const p = node.position;
      if (!isObject(p) || typeof p.x !== "number" || typeof p.y !== "number") {
        return { ok: false, error: `Node "${node.id}" has a position without numeric x and y.` };
      }
    }
  }
  const edgeIds = new Set<string>();
  for (const [i, edge] of ((data.edges as unknown[] | undefined) ?? []).entries()) {
    if (!isObject(edge) || typeof edge.id !== "string" || typeof edge.source !== "string" || typeof edge.target !== "string") {
      return { ok: false, error: `Edge ${i + 1} needs a text "id", "source" and "target".` };
    }
    if (edgeIds.has(edge.id)) return { ok: false, error: `Two edges share the id "${edge.id}".` };
    edgeIds.add(edge.id);
  }
  const graph = data as unknown as GraphDoc;
  return { ok: true, graph: data.edges === undefined ? { ...graph, edges: [] } : graph };
}

export function serializeGraph(graph: GraphDoc): string {
  return `${JSON.stringify(graph, null, 2)}\n`;
}

export function exportFileName(key: string, extension: string): string {
  const safe = key.replace(/[^A-Za-z0-9_-]+/g, "-") || "workflow";
  return `${safe}.${extension}`;
}
