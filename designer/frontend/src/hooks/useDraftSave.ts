/**
 * Saving the draft with optimistic concurrency: PATCH with If-Match, the new ETag kept for the next
 * save, a conflict (412) surfaced with the other side's definition, autosave after a few idle
 * seconds, and the browser's leave-page warning while changes are unsaved.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { fetchDefinition, saveDraft } from "../api/designer";
import type { Definition, GraphDoc } from "../types";

export const AUTOSAVE_DELAY_MS = 4000;

/** What the status line says when a save is refused. */
export function saveErrorText(e: unknown): string {
  if (e instanceof ApiError && e.code === "graph_invalid") {
    const problems = (e.details as { problems?: { message: string }[] } | undefined)?.problems ?? [];
    const first = problems[0]?.message;
    if (first) return `Not saved until fixed: ${first}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ""}`;
  }
  return `Not saved: ${(e as Error).message}`;
}

export interface Conflict {
  theirs: Definition;
  theirsEtag: string;
}

export type SaveStatus = "saved" | "dirty" | "saving" | "error";

export interface DraftSave {
  status: SaveStatus;
  dirty: boolean;
  error: string | null;
  conflict: Conflict | null;
  revision: number;
  /** Saves now; resolves true when the server holds what is on screen. */
  save: () => Promise<boolean>;
  /** Adopt a definition the server holds as the new saved baseline (after reload, restore, ...). */
  adopt: (definition: Definition, etag: string, savedJson: string) => void;
  dismissConflict: () => void;
  /** Turns the leave-page warning off (before navigating away on purpose). */
  release: () => void;
}

export function useDraftSave(options: {
  keyName: string;
  graphJson: string;
  initial: { definition: Definition; etag: string; json: string };
  enabled: boolean;
}): DraftSave {
  const { keyName, graphJson, enabled } = options;
  const [savedJson, setSavedJson] = useState(options.initial.json);
  const [revision, setRevision] = useState(options.initial.definition.revision);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const etag = useRef(options.initial.etag);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const latest = useRef(graphJson);
  latest.current = graphJson;
  const savedRef = useRef(savedJson);
  savedRef.current = savedJson;
  const conflictRef = useRef(conflict);
  conflictRef.current = conflict;
  const released = useRef(false);
  const dirty = graphJson !== savedJson;

  const save = useCallback(async (): Promise<boolean> => {
    if (!enabled || conflictRef.current) return false;
    if (inFlight.current) await inFlight.current;
    const text = latest.current;
    if (text === savedRef.current) return true;
    const attempt = (async () => {
      setSaving(true);
      try {
        const result = await saveDraft(keyName, JSON.parse(text) as GraphDoc, etag.current);
        etag.current = result.etag;
        savedRef.current = text;
        setSavedJson(text);
        setRevision(result.definition.revision);
        setError(null);
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.status === 412) {
          try {
            const theirs = await fetchDefinition(keyName);
            setConflict({ theirs: theirs.definition, theirsEtag: theirs.etag });
          } catch (inner) {
            setError(`Someone else saved this workflow, and their version could not be loaded: ${(inner as Error).message}`);
          }
        } else {
          setError(saveErrorText(e));
        }
        return false;
      } finally {
        setSaving(false);
        inFlight.current = null;
      }
    })();
    inFlight.current = attempt;
    return attempt;
  }, [enabled, keyName]);

  useEffect(() => {
    if (!enabled || !dirty || conflict) return undefined;
    const timer = window.setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [graphJson, dirty, enabled, conflict, save]);

  useEffect(() => {
    if (!dirty) return undefined;
    const warn = (event: BeforeUnloadEvent) => {
      if (released.current) return;
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const adopt = useCallback((definition: Definition, newEtag: string, json: string) => {
    etag.current = newEtag;
    savedRef.current = json;
    setSavedJson(json);
    setRevision(definition.revision);
    setConflict(null);
    setError(null);
  }, []);

  const dismissConflict = useCallback(() => setConflict(null), []);
  const release = useCallback(() => {
    released.current = true;
  }, []);

  const status: SaveStatus = saving ? "saving" : error || conflict ? "error" : dirty ? "dirty" : "saved";
  const shownError = conflict ? "Not saved: someone else saved a newer draft" : error;
  return { status, dirty, error: shownError, conflict, revision, save, adopt, dismissConflict, release };
}
