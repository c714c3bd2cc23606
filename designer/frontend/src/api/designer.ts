/** The endpoints of CONTRACT.md the designer uses. */
import type { Catalog, Definition, GraphDoc, Json, Problem, SimulationResult, Version, VersionSummary } from "../types";
import { apiRequest } from "./client";

const defPath = (key: string) => `definitions/${encodeURIComponent(key)}/`;

/** The If-Match value for a definition: the server's ETag, else the quoted revision. */
export function etagFor(definition: Definition, header: string | null): string {
  return header ?? `"${definition.revision}"`;
}

export async function fetchCatalog(): Promise<Catalog> {
  return (await apiRequest<Catalog>("GET", "node-types/")).data;
}

export async function fetchDefinition(key: string): Promise<{ definition: Definition; etag: string }> {
  const res = await apiRequest<Definition>("GET", defPath(key));
  return { definition: res.data, etag: etagFor(res.data, res.etag) };
}

export async function saveDraft(key: string, graph: GraphDoc, etag: string): Promise<{ definition: Definition; etag: string }> {
  const res = await apiRequest<Definition>("PATCH", defPath(key), { body: { graph }, headers: { "If-Match": etag } });
  return { definition: res.data, etag: etagFor(res.data, res.etag) };
}

export async function createDefinition(body: {
  key: string;
  name: string;
  description?: string;
  tags?: string[];
  graph?: GraphDoc;
}): Promise<Definition> {
  return (await apiRequest<Definition>("POST", "definitions/", { body })).data;
}

export async function validateGraph(key: string, graph: GraphDoc, signal?: AbortSignal): Promise<{ valid: boolean; problems: Problem[] }> {
  return (await apiRequest<{ valid: boolean; problems: Problem[] }>("POST", `${defPath(key)}validate/`, { body: { graph }, signal })).data;
}

export async function publishDraft(key: string, notes: string): Promise<Version> {
  return (await apiRequest<Version>("POST", `${defPath(key)}publish/`, { body: { notes } })).data;
}

export async function listVersions(key: string): Promise<VersionSummary[]> {
  const data = (await apiRequest<VersionSummary[] | { results: VersionSummary[] }>("GET", `${defPath(key)}versions/`)).data;
  return Array.isArray(data) ? data : data.results;
}

export async function fetchVersion(key: string, n: number): Promise<Version> {
  return (await apiRequest<Version>("GET", `${defPath(key)}versions/${n}/`)).data;
}

export async function simulate(
  key: string,
  body: { graph: GraphDoc; input: Record<string, Json>; approvals: Record<string, string>; signals?: Record<string, Json> },
): Promise<SimulationResult> {
  return (await apiRequest<SimulationResult>("POST", `${defPath(key)}simulate/`, { body })).data;
}

export async function startInstance(body: { definition: string; input: Record<string, Json>; business_key?: string }): Promise<{ id: string }> {
  return (await apiRequest<{ id: string }>("POST", "instances/", { body })).data;
}
