import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The bundle is served by Django: hashed files + a manifest the `designer_assets` tag reads.
export default defineConfig({
  plugins: [react()],
  base: "./",
  build: {
    outDir: "../../static/designer",
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    // React + React Flow + dagre are ~530 kB raw / ~170 kB gzip in one entry chunk; that is expected.
    chunkSizeWarningLimit: 800,
    rollupOptions: { input: "src/main.tsx" },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    // The stylesheet's text is read by a test (src/components/nodes/nodeIcon.test.ts, `?raw`).
    css: { include: [/styles\.css/] },
  },
});
