/** The node types and actions served by GET /api/node-types/, with lookups by name. */
import { useEffect, useMemo, useState } from "react";
import { fetchCatalog } from "../api/designer";
import type { ActionSpec, Catalog, NodeTypeSpec } from "../types";

export interface CatalogState {
  catalog: Catalog | null;
  error: string | null;
  nodeType: (type: string) => NodeTypeSpec | undefined;
  action: (name: string) => ActionSpec | undefined;
}

export function useCatalog(): CatalogState {
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    fetchCatalog()
      .then((c) => live && setCatalog(c))
      .catch((e: Error) => live && setError(`Could not load the node types: ${e.message}`));
    return () => {
      live = false;
    };
  }, []);

  return useMemo(() => {
    const types = new Map((catalog?.node_types ?? []).map((t) => [t.type, t]));
    const actions = new Map((catalog?.actions ?? []).map((a) => [a.name, a]));
    return { catalog, error, nodeType: (t: string) => types.get(t), action: (n: string) => actions.get(n) };
  }, [catalog, error]);
}
