/** The definition's published versions, loaded on demand and refreshed after publishing. */
import { useCallback, useEffect, useState } from "react";
import { fetchVersion, listVersions } from "../api/designer";
import type { Version, VersionSummary } from "../types";

export function useVersions(key: string, active: boolean) {
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const list = await listVersions(key);
      setVersions([...list].sort((a, b) => b.number - a.number));
      setError(null);
    } catch (e) {
      setError(`Could not load versions: ${(e as Error).message}`);
    }
  }, [key]);

  useEffect(() => {
    if (active && versions === null) void refresh();
  }, [active, versions, refresh]);

  const load = useCallback((n: number): Promise<Version> => fetchVersion(key, n), [key]);
  return { versions, error, refresh, load };
}
