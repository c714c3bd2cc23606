/** Shapes shared by the designer: the graph document (GRAPH_FORMAT.md) and the API payloads (CONTRACT.md). */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Position {
  x: number;
  y: number;
}

/** A node as stored in the graph document. Unknown fields are kept as they are. */
export interface GraphNode {
  id: string;
  type: string;
  name?: string;
  position?: Position;
  config?: JsonObject;
  [extra: string]: unknown;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  condition?: string;
  default?: boolean;
  outcome?: string;
  on_error?: boolean;
  timeout?: boolean;
  label?: string;
  [extra: string]: unknown;
}

export type InputType = "string" | "number" | "integer" | "boolean" | "object" | "array";

export interface InputSpec {
  type: InputType;
  required?: boolean;
  default?: Json;
  [extra: string]: unknown;
}

export interface GraphDoc {
  format: string;
  inputs?: Record<string, InputSpec>;
  nodes: GraphNode[];
  edges: GraphEdge[];
  [extra: string]: unknown;
}

/** A JSON Schema as served by the API (draft 2020-12); only the parts the form builder reads are typed. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: Json[];
  const?: Json;
  default?: Json;
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maxLength?: number;
  maximum?: number;
  format?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  [extra: string]: unknown;
}

export type EdgeKindName = "condition" | "default" | "outcome" | "on_error" | "timeout";

export interface NodeTypeSpec {
  type: string;
  label: string;
  icon: string;
  description: string;
  category: string;
  config_schema: JsonSchema;
  min_incoming: number;
  max_incoming: number | null;
  min_outgoing: number;
  max_outgoing: number | null;
  edge_kinds: EdgeKindName[];
}

export interface ActionSpec {
  name: string;
  label: string;
  description: string;
  icon: string;
  params_schema: JsonSchema;
  output_schema: JsonSchema | null;
}

export interface Catalog {
  node_types: NodeTypeSpec[];
  actions: ActionSpec[];
}

export type Severity = "error" | "warning";

export interface Problem {
  code: string;
  message: string;
  severity: Severity;
  node?: string | null;
  edge?: string | null;
  path?: string | null;
}

export interface Permissions {
  can_edit: boolean;
  can_publish: boolean;
  can_start: boolean;
}

export interface Definition {
  key: string;
  name: string;
  description: string;
  tags: string[];
  owner: string;
  revision: number;
  graph: GraphDoc;
  created_at: string;
  updated_at: string;
  latest_version: number | null;
  permissions: Permissions;
}

export interface VersionSummary {
  number: number;
  status: string;
  checksum?: string;
  published_by?: string;
  published_at?: string;
  notes?: string;
}

export interface Version extends VersionSummary {
  graph: GraphDoc;
}

export interface SimulationStep {
  node: string;
  edge: string | null;
  status: string;
}

export interface SimulationResult {
  status: string;
  path: SimulationStep[];
  vars: JsonObject;
  result: Json;
}

export interface DesignerConfig {
  key: string;
  apiBase: string;
  user: string;
  readOnly: boolean;
  /** Fallback for the csrftoken cookie (used only when the cookie cannot be read). */
  csrfToken?: string;
}
