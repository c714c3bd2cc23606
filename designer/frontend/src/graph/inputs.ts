/** The graph's `inputs` map: editing helpers and turning a run form into an instance's input. */
import type { InputSpec, InputType, Json } from "../types";

export const INPUT_TYPES: InputType[] = ["string", "number", "integer", "boolean", "object", "array"];

export type Inputs = Record<string, InputSpec>;

export const INPUT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function addInput(inputs: Inputs): { inputs: Inputs; name: string } {
  let n = Object.keys(inputs).length + 1;
  while (`input_${n}` in inputs) n += 1;
  const name = `input_${n}`;
  return { inputs: { ...inputs, [name]: { type: "string" } }, name };
}

/** Rename keeping the entry's place; a taken or empty new name leaves the map as it was. */
export function renameInput(inputs: Inputs, from: string, to: string): Inputs {
  if (from === to || !to || to in inputs) return inputs;
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => (k === from ? [to, v] : [k, v])));
}

export function updateInput(inputs: Inputs, name: string, spec: InputSpec): Inputs {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => (k === name ? [k, spec] : [k, v])));
}

export function removeInput(inputs: Inputs, name: string): Inputs {
  const { [name]: _removed, ...rest } = inputs;
  return rest;
}

/** Form text for a value of the given type ('' for none). */
export function valueToText(type: InputType, value: Json | undefined): string {
  if (value === undefined || value === null) return "";
  if (type === "object" || type === "array") return JSON.stringify(value);
  return String(value);
}

/** Parse form text as a value of `type`; '' is "no value". */
export function textToValue(type: InputType, text: string): { value?: Json; error?: string } {
  const t = text.trim();
  if (t === "") return {};
  switch (type) {
    case "string":
      return { value: text };
    case "number":
    case "integer": {
      // A text box, not <input type=number>: the browser would turn "1e400" or "12,5" into ""
      // (shown as "is required") instead of letting us say what is wrong.
      const n = Number(t);
      if (Number.isNaN(n)) return { error: "must be a number" };
      if (!Number.isFinite(n)) return { error: "is too large a number" };
      if (type === "integer" && !Number.isInteger(n)) return { error: "must be a whole number" };
      return { value: n };
    }
    case "boolean":
      if (t === "true" || t === "false") return { value: t === "true" };
      return { error: "must be true or false" };
    default: {
      try {
        const parsed = JSON.parse(t) as Json;
        const ok = type === "array" ? Array.isArray(parsed) : parsed !== null && typeof parsed === "object" && !Array.isArray(parsed);
        return ok ? { value: parsed } : { error: `must be a JSON ${type}` };
      } catch {
        return { error: `must be a JSON ${type}` };
      }
    }
  }
}

/**
 * Build an instance's `input` from run-form text per input. Missing required inputs and
 * mistyped values are reported by name (the server checks again).
 */
export function buildRunInput(inputs: Inputs, texts: Record<string, string>): { input: Record<string, Json>; errors: Record<string, string> } {
  const input: Record<string, Json> = {};
  const errors: Record<string, string> = {};
  for (const [name, spec] of Object.entries(inputs)) {
    const { value, error } = textToValue(spec.type, texts[name] ?? "");
    if (error) errors[name] = `${name} ${error}`;
    else if (value !== undefined) input[name] = value;
    else if (spec.required && spec.default === undefined) errors[name] = `${name} is required`;
  }
  return { input, errors };
}
