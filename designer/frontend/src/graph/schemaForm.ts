/**
 * JSON Schema -> form fields. The property panel renders whatever this returns, so node types and
 * actions added on the server get a usable form without front-end changes.
 */
import type { Json, JsonObject, JsonSchema } from "../types";

export type FieldKind =
  | "text"
  | "textarea"
  | "number"
  | "integer"
  | "boolean"
  | "select"
  | "stringList"
  | "keyValue"
  | "object"
  | "textOrJson"
  | "json";

export interface FieldSpec {
  key: string;
  path: string[];
  label: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  options?: { value: Json; label: string }[];
  children?: FieldSpec[];
  defaultValue?: Json;
  schema: JsonSchema;
}

export function labelFromKey(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

/** Follow local `$ref`s (`#/$defs/x`, `#/definitions/x`) against the root schema. */
export function resolveSchema(schema: JsonSchema, root: JsonSchema, depth = 0): JsonSchema {
  if (!schema.$ref || depth > 20) return schema;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(schema.$ref);
  const defs = match ? (match[1] === "$defs" ? root.$defs : root.definitions) : undefined;
  const target = match && defs ? defs[decodeURIComponent(match[2]!)] : undefined;
  if (!target) return schema;
  const { $ref: _ref, ...rest } = schema;
  return { ...resolveSchema(target, root, depth + 1), ...rest };
}

/** The schema's single non-null type, also seeing through `anyOf: [{...}, {type: "null"}]`. */
function effectiveSchema(schema: JsonSchema, root: JsonSchema): { schema: JsonSchema; type: string | undefined } {
  let s = resolveSchema(schema, root);
  const union = s.anyOf ?? s.oneOf;
  if (union) {
    const nonNull = union.map((u) => resolveSchema(u, root)).filter((u) => u.type !== "null");
    if (nonNull.length === 1) s = { ...nonNull[0], ...withoutUnion(s) };
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  return { schema: s, type };
}

function withoutUnion(s: JsonSchema): JsonSchema {
  const { anyOf: _a, oneOf: _o, ...rest } = s;
  return rest;
}

function constOptions(s: JsonSchema): FieldSpec["options"] | undefined {
  if (s.enum) return s.enum.map((v) => ({ value: v, label: String(v) }));
  const union = s.oneOf ?? s.anyOf;
  if (union?.length && union.every((u) => u.const !== undefined)) {
    return union.map((u) => ({ value: u.const as Json, label: u.title ?? String(u.const) }));
  }
  return undefined;
}

export function fieldForSchema(
  key: string,
  schema: JsonSchema,
  root: JsonSchema,
  required: boolean,
  parentPath: string[] = [],
): FieldSpec {
  const { schema: s, type } = effectiveSchema(schema, root);
  const path = [...parentPath, key];
  const base = {
    key,
    path,
    label: s.title ?? labelFromKey(key),
    required,
    description: s.description,
    defaultValue: s.default,
    schema: s,
  };
  const options = constOptions(s);
  if (options) return { ...base, kind: "select", options };
  const union = (s.anyOf ?? s.oneOf)?.map((u) => effectiveSchema(u, root).type);
  if (union && union.length > 1 && union.includes("string")) return { ...base, kind: "textOrJson" };
  switch (type) {
    case "string":
      // Long texts (a mail body, a result template) get a multi-line box.
      return { ...base, kind: s.format === "textarea" || s.format === "multiline" || (s.maxLength ?? 0) > 1000 ? "textarea" : "text" };
    case "number":
      return { ...base, kind: "number" };
    case "integer":
      return { ...base, kind: "integer" };
    case "boolean":
      return { ...base, kind: "boolean" };
    case "array": {
      const items = s.items ? effectiveSchema(s.items, root) : undefined;
      if (items && items.type === "string" && !items.schema.enum) return { ...base, kind: "stringList" };
      return { ...base, kind: "json" };
    }
    case "object": {
      if (s.properties && Object.keys(s.properties).length) {
        return { ...base, kind: "object", children: fieldsForObject(s, root, path) };
      }
      const extra = s.additionalProperties;
      const valueType = typeof extra === "object" ? effectiveSchema(extra, root).type : undefined;
      if (extra === undefined || extra === true || valueType === "string") return { ...base, kind: "keyValue" };
      return { ...base, kind: "json" };
    }
    default:
      return { ...base, kind: "json" };
  }
}

/** One field per property of an object schema, in the schema's order. */
export function fieldsForObject(schema: JsonSchema, root: JsonSchema = schema, parentPath: string[] = []): FieldSpec[] {
  const { schema: s } = effectiveSchema(schema, root);
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([key, prop]) =>
    fieldForSchema(key, prop, root, required.has(key), parentPath),
  );
}

export function getAtPath(value: Json | undefined, path: readonly string[]): Json | undefined {
  let current: Json | undefined = value;
  for (const key of path) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * A copy of `obj` with `value` at `path`. `undefined` removes the key, and objects left empty by
 * that removal are removed too, so clearing a field leaves no `{}` behind.
 */
export function setAtPath(obj: JsonObject, path: readonly string[], value: Json | undefined): JsonObject {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  const next: JsonObject = { ...obj };
  if (!rest.length) {
    if (value === undefined) delete next[head];
    else next[head] = value;
    return next;
  }
  const child = obj[head];
  const childObj = child !== null && typeof child === "object" && !Array.isArray(child) ? child : {};
  const updated = setAtPath(childObj, rest, value);
  if (Object.keys(updated).length === 0 && value === undefined) delete next[head];
  else next[head] = updated;
  return next;
}

/** Text typed into a field -> the JSON value to store (`undefined` = leave the key out). */
export function parseFieldText(kind: FieldKind, text: string): { value?: Json; error?: string } {
  if (kind === "number" || kind === "integer") {
    if (text.trim() === "") return { value: undefined };
    const n = Number(text);
    if (!Number.isFinite(n)) return { error: "Enter a number." };
    if (kind === "integer" && !Number.isInteger(n)) return { error: "Enter a whole number." };
    return { value: n };
  }
  if (kind === "textOrJson") {
    // A string, unless the text is a JSON list or object ("{{ template }}" stays a string).
    if (text.trim() === "") return { value: undefined };
    if (/^\s*[[{]/.test(text)) {
      try {
        return { value: JSON.parse(text) as Json };
      } catch {
        return { value: text };
      }
    }
    return { value: text };
  }
  if (kind === "json") {
    if (text.trim() === "") return { value: undefined };
    try {
      return { value: JSON.parse(text) as Json };
    } catch (e) {
      return { error: `Not valid JSON: ${(e as Error).message}` };
    }
  }
  return { value: text === "" ? undefined : text };
}
