/**
 * A node's icon as a CSS background image (an SVG data URL), not an inline <svg>: an inline SVG is a
 * replaced element with its own paint chunk and clip, and at 500 nodes those alone made the browser's
 * per-frame layerization of a drag ~30% dearer. One image and one class per (icon, colour) is built
 * and shared; the class's rule goes into a stylesheet of its own, so no node carries the image inline.
 */
import { iconPath } from "../Icon";
import type { NodeVariant } from "./NodeShell";

/** The node colours of styles.css (`--c-*`, and `.fd-node--type-end`), which a unit test keeps in step. */
export const VARIANT_COLOURS: Record<NodeVariant, string> = {
  terminal: "#15803d",
  activity: "#1f5fd1",
  gateway: "#b45309",
  wait: "#0f766e",
  human: "#6d28d9",
  generic: "#475569",
};
export const END_COLOUR = "#475569";

export function nodeColour(variant: NodeVariant, type: string): string {
  return type === "end" ? END_COLOUR : VARIANT_COLOURS[variant];
}

const cache = new Map<string, string>();

/**
 * The `background-image` value drawing icon `name` in `colour` (24-unit line icon, as <Icon>).
 * `counterRotate` draws it turned back by 45°, for the gateway's diamond backdrop that CSS turns by 45°.
 */
export function nodeIconImage(name: string, colour: string, counterRotate = false): string {
  const key = `${name}|${colour}|${counterRotate}`;
  let image = cache.get(key);
  if (image === undefined) {
    const path = iconPath(name);
    const shape = path ? `<path d="${path}"/>` : '<circle cx="12" cy="12" r="5"/>';
    const body = counterRotate ? `<g transform="rotate(-45 12 12)">${shape}</g>` : shape;
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="${colour}" ` +
      `stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;
    image = `url("data:image/svg+xml,${encodeURIComponent(svg)}")`;
    cache.set(key, image);
  }
  return image;
}

const classes = new Map<string, string>();
let sheet: CSSStyleSheet | null | undefined;

function iconSheet(): CSSStyleSheet | null {
  if (sheet === undefined) {
    if (typeof document === "undefined") sheet = null;
    else {
      const style = document.createElement("style");
      style.dataset.fdNodeIcons = "";
      document.head.append(style);
      sheet = style.sheet;
    }
  }
  return sheet;
}

/** The class that gives `.fd-node__icon` this icon (its rule is added on first use). */
export function nodeIconClass(name: string, colour: string, counterRotate = false): string {
  const key = `${name}|${colour}|${counterRotate}`;
  let cls = classes.get(key);
  if (cls === undefined) {
    cls = `fd-ni-${classes.size}`;
    classes.set(key, cls);
    const target = iconSheet();
    target?.insertRule(`.fd-node__icon.${cls} { background-image: ${nodeIconImage(name, colour, counterRotate)}; }`, target.cssRules.length);
  }
  return cls;
}
