/** Render the whole graph (not just what is on screen) to SVG or PNG with html-to-image. */
import { type Node, getNodesBounds, getViewportForBounds } from "@xyflow/react";
import { toPng, toSvg } from "html-to-image";

const PADDING = 0.08;

export async function renderGraphImage(nodes: Node[], format: "svg" | "png"): Promise<string> {
  const viewport = document.querySelector<HTMLElement>(".react-flow__viewport");
  if (!viewport) throw new Error("The canvas is not on screen.");
  const bounds = getNodesBounds(nodes);
  const width = Math.max(320, Math.min(4000, Math.ceil(bounds.width + 160)));
  const height = Math.max(240, Math.min(4000, Math.ceil(bounds.height + 160)));
  const vp = getViewportForBounds(bounds, width, height, 0.2, 2, PADDING);
  const options = {
    backgroundColor: "#ffffff",
    width,
    height,
    style: { width: `${width}px`, height: `${height}px`, transform: `translate(${vp.x}px, ${vp.y}px) scale(${vp.zoom})` },
    filter: (el: HTMLElement) => !el.classList?.contains("react-flow__handle"),
  };
  return format === "svg" ? toSvg(viewport, options) : toPng(viewport, { ...options, pixelRatio: 2 });
}
