/** The page's configuration, rendered by Django with json_script into #designer-config. */
import type { DesignerConfig } from "./types";

export function parseConfig(text: string | null | undefined): DesignerConfig {
  const raw = (text ? JSON.parse(text) : {}) as Partial<DesignerConfig>;
  return {
    key: String(raw.key ?? ""),
    apiBase: typeof raw.apiBase === "string" && raw.apiBase ? raw.apiBase : "/api/",
    user: String(raw.user ?? ""),
    readOnly: raw.readOnly === true,
    ...(typeof raw.csrfToken === "string" && raw.csrfToken ? { csrfToken: raw.csrfToken } : {}),
  };
}

export function readConfig(doc: Document): DesignerConfig {
  return parseConfig(doc.getElementById("designer-config")?.textContent);
}
