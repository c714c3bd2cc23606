import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../types";
import { fieldsForObject, getAtPath, labelFromKey, parseFieldText, setAtPath } from "./schemaForm";

const taskSchema: JsonSchema = {
  type: "object",
  required: ["action"],
  properties: {
    action: { type: "string", description: "Registered action name" },
    output: { type: "string" },
    timeout_seconds: { type: "integer", minimum: 1 },
    ratio: { type: "number" },
    notify: { type: "boolean" },
    policy: { type: "string", enum: ["any", "all", "quorum"] },
    mode: { oneOf: [{ const: "a", title: "Mode A" }, { const: "b", title: "Mode B" }] },
    groups: { type: "array", items: { type: "string" } },
    params: { type: "object", additionalProperties: true },
    form: { type: "array", items: { type: "object" } },
    retry: { $ref: "#/$defs/retry" },
    note: { type: ["string", "null"] },
    body: { type: "string", format: "textarea" },
    mail: { type: "string", maxLength: 100000 },
    maybe: { anyOf: [{ type: "integer" }, { type: "null" }] },
    to: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
  },
  $defs: {
    retry: { type: "object", properties: { max_attempts: { type: "integer", default: 3 } } },
  },
};

describe("JSON Schema to form fields", () => {
  const fields = fieldsForObject(taskSchema);
  const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));

  it("maps each schema shape to a widget", () => {
    expect(fields.map((f) => [f.key, f.kind])).toEqual([
      ["action", "text"],
      ["output", "text"],
      ["timeout_seconds", "integer"],
      ["ratio", "number"],
      ["notify", "boolean"],
      ["policy", "select"],
      ["mode", "select"],
      ["groups", "stringList"],
      ["params", "keyValue"],
      ["form", "json"],
      ["retry", "object"],
      ["note", "text"],
      ["body", "textarea"],
      ["mail", "textarea"],
      ["maybe", "integer"],
      ["to", "textOrJson"],
    ]);
  });

  it("marks required fields and carries descriptions as help", () => {
    expect(byKey.action!.required).toBe(true);
    expect(byKey.output!.required).toBe(false);
    expect(byKey.action!.description).toBe("Registered action name");
  });

  it("offers enum values and titled consts as options", () => {
    expect(byKey.policy!.options!.map((o) => o.value)).toEqual(["any", "all", "quorum"]);
    expect(byKey.mode!.options).toEqual([
      { value: "a", label: "Mode A" },
      { value: "b", label: "Mode B" },
    ]);
  });

  it("resolves $ref and nests object properties with full paths", () => {
    const retry = byKey.retry!;
    expect(retry.children!.map((c) => c.path)).toEqual([["retry", "max_attempts"]]);
    expect(retry.children![0]!.defaultValue).toBe(3);
  });

  it("turns keys into readable labels", () => {
    expect(labelFromKey("timeout_seconds")).toBe("Timeout seconds");
    expect(labelFromKey("allowSelfApproval")).toBe("Allow Self Approval");
  });
});

describe("editing values by path", () => {
  it("sets nested values without touching the original", () => {
    const config = { retry: { max_attempts: 3 } };
    const next = setAtPath(config, ["retry", "backoff_seconds"], 5);
    expect(next).toEqual({ retry: { max_attempts: 3, backoff_seconds: 5 } });
    expect(config).toEqual({ retry: { max_attempts: 3 } });
    expect(getAtPath(next, ["retry", "backoff_seconds"])).toBe(5);
  });

  it("removes cleared keys and the empty objects they leave", () => {
    expect(setAtPath({ retry: { max_attempts: 3 }, action: "x" }, ["retry", "max_attempts"], undefined)).toEqual({ action: "x" });
  });

  it("parses typed text, reporting bad input instead of storing it", () => {
    expect(parseFieldText("integer", "4")).toEqual({ value: 4 });
    expect(parseFieldText("integer", "4.5").error).toBeDefined();
    expect(parseFieldText("number", "")).toEqual({ value: undefined });
    expect(parseFieldText("json", '{"a": 1}')).toEqual({ value: { a: 1 } });
    expect(parseFieldText("json", "{oops").error).toMatch(/Not valid JSON/);
    expect(parseFieldText("text", "")).toEqual({ value: undefined });
  });

  it("reads text-or-JSON fields as JSON only when the text is a JSON list or object", () => {
    expect(parseFieldText("textOrJson", '["a@x.org", "b@x.org"]')).toEqual({ value: ["a@x.org", "b@x.org"] });
    expect(parseFieldText("textOrJson", "{{ instance.started_by_email }}")).toEqual({ value: "{{ instance.started_by_email }}" });
    expect(parseFieldText("textOrJson", "ann@x.org")).toEqual({ value: "ann@x.org" });
  });
});
