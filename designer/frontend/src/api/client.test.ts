import { describe, expect, it } from "vitest";
import { apiUrl, configureApi, readCookie } from "./client";

describe("api client helpers", () => {
  it("reads the CSRF cookie among others", () => {
    expect(readCookie("csrftoken", "sessionid=abc; csrftoken=tok%3D1; theme=dark")).toBe("tok=1");
    expect(readCookie("csrftoken", "sessionid=abc")).toBeNull();
  });

  it("joins paths onto the configured base", () => {
    configureApi("/api");
    expect(apiUrl("definitions/x/")).toBe("/api/definitions/x/");
    configureApi("/api/");
    expect(apiUrl("/node-types/")).toBe("/api/node-types/");
  });
});
