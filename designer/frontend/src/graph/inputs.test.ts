import { describe, expect, it } from "vitest";
import { addInput, buildRunInput, removeInput, renameInput, textToValue, valueToText } from "./inputs";

describe("graph inputs", () => {
  it("adds inputs under unused names", () => {
    const { inputs, name } = addInput({ input_1: { type: "number" } });
    expect(name).toBe("input_2");
    expect(inputs.input_2).toEqual({ type: "string" });
  });

  it("renames in place and refuses clashes", () => {
    const inputs = { a: { type: "string" as const }, b: { type: "number" as const }, c: { type: "boolean" as const } };
    expect(Object.keys(renameInput(inputs, "b", "z"))).toEqual(["a", "z", "c"]);
    expect(renameInput(inputs, "b", "a")).toBe(inputs);
    expect(Object.keys(removeInput(inputs, "a"))).toEqual(["b", "c"]);
  });

  it("parses typed values and reports mistakes", () => {
    expect(textToValue("integer", "12")).toEqual({ value: 12 });
    expect(textToValue("integer", "1.5").error).toBeDefined();
    expect(textToValue("boolean", "true")).toEqual({ value: true });
    expect(textToValue("array", "[1,2]")).toEqual({ value: [1, 2] });
    expect(textToValue("object", "[1,2]").error).toBeDefined();
    expect(valueToText("object", { a: 1 })).toBe('{"a":1}');
  });

  it("says a number is too large or malformed instead of calling it missing", () => {
    expect(textToValue("number", "1e400")).toEqual({ error: "is too large a number" });
    expect(textToValue("number", "12,5")).toEqual({ error: "must be a number" });
    expect(buildRunInput({ amount: { type: "number", required: true } }, { amount: "1e400" }).errors).toEqual({
      amount: "amount is too large a number",
    });
  });

  it("builds run input, requiring required inputs without defaults", () => {
    const inputs = {
      title: { type: "string" as const, required: true },
      amount: { type: "number" as const, required: true },
      currency: { type: "string" as const, default: "EUR", required: true },
    };
    expect(buildRunInput(inputs, { title: "Lunch", amount: "12.5" })).toEqual({
      input: { title: "Lunch", amount: 12.5 },
      errors: {},
    });
    expect(buildRunInput(inputs, { amount: "x" }).errors).toEqual({
      title: "title is required",
      amount: "amount must be a number",
    });
  });
});
