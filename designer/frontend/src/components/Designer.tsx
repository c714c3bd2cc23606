/** Loads the definition and the node catalogue, then hands over to the editor. */
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { fetchDefinition } from "../api/designer";
import { useCatalog } from "../hooks/useCatalog";
import type { Definition, DesignerConfig } from "../types";
import { Editor } from "./Editor";

type Loaded = { definition: Definition; etag: string };

export function Designer({ config }: { config: DesignerConfig }) {
  const catalog = useCatalog();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    fetchDefinition(config.key)
      .then((result) => live && setLoaded(result))
      .catch((e: Error) => {
        if (!live) return;
        setError(e instanceof ApiError && e.status === 404 ? `There is no workflow "${config.key}", or you may not see it.` : `Could not load the workflow: ${e.message}`);
      });
    return () => {
      live = false;
    };
  }, [config.key]);

  if (error) {
    return (
      <div className="fd-loading" role="alert" data-testid="load-error">
        <p>{error}</p>
        <a className="fd-btn" href="../">Back to workflows</a>
      </div>
    );
  }
  if (!loaded || (!catalog.catalog && !catalog.error)) {
    return (
      <div className="fd-loading" aria-busy="true">
        <span className="fd-spinner" aria-hidden="true" /> Loading the designer…
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <Editor config={config} definition={loaded.definition} etag={loaded.etag} catalog={catalog} />
    </ReactFlowProvider>
  );
}
