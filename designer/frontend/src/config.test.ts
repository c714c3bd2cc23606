import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";

describe("designer config", () => {
  it("reads what the Django page renders", () => {
    expect(parseConfig('{"key": "expense", "apiBase": "/api/", "user": "ann", "readOnly": true}')).toEqual({
      key: "expense",
      apiBase: "/api/",
      user: "ann",
      readOnly: true,
    });
  });

  it("falls back to safe defaults: the standard API base, editable only when told", () => {
    expect(parseConfig('{"key": "k"}')).toEqual({ key: "k", apiBase: "/api/", user: "", readOnly: false });
    expect(parseConfig(null).key).toBe("");
    expect(parseConfig('{"key": "k", "csrfToken": "t0k"}').csrfToken).toBe("t0k");
  });
});
