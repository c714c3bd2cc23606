import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/base.css";
import "./styles.css";
import { configureApi } from "./api/client";
import { Designer } from "./components/Designer";
import { readConfig } from "./config";

const root = document.getElementById("designer-root");
if (root) {
  const config = readConfig(document);
  configureApi(config.apiBase, config.csrfToken);
  createRoot(root).render(
    <StrictMode>
      <Designer config={config} />
    </StrictMode>,
  );
}
