/**
 * Whether a line of a node's text may be too wide for its column, and so needs `overflow: hidden`
 * with an ellipsis. Each such clip is a paint property of its own that the browser walks on every
 * frame (at 500 nodes, two per node cost ~40% of a drag frame's layerization), so text that surely
 * fits is drawn unclipped. Widths come from a canvas with the node's fonts; without one (tests, old
 * browsers) every line is clipped, as before.
 */

/** The fonts of `.fd-node__name` and `.fd-node__summary` (styles.css). */
export const NAME_FONT = '600 14px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const SUMMARY_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** A node's text column is 110 px wide (180 px node, padding, borders, icon and gap): 10 px to spare. */
export const TEXT_ROOM_PX = 100;

export type Measure = (text: string, font: string) => number | null;

let context: CanvasRenderingContext2D | null | undefined;

/** Text width in CSS pixels from a shared 2D canvas; null when there is none. */
export const canvasMeasure: Measure = (text, font) => {
  if (context === undefined) {
    context = typeof document === "undefined" ? null : (document.createElement("canvas").getContext("2d") ?? null);
  }
  if (!context) return null;
  if (context.font !== font) context.font = font;
  return context.measureText(text).width;
};

const glyphs = new Map<string, number | null>();

/**
 * The width of `text` as the sum of its characters' widths, each measured once per font: a graph's
 * names are mostly distinct, and measuring every string cost ~8 ms at 1,000 lines, this ~0.5 ms.
 * Kerning moves a line by a pixel or two either way, well inside TEXT_ROOM_PX's margin.
 */
export function glyphSumWidth(text: string, font: string, measure: Measure = canvasMeasure): number | null {
  let width = 0;
  for (const ch of text) {
    const key = `${font}\n${ch}`;
    let w = glyphs.get(key);
    if (w === undefined) {
      w = measure(ch, font);
      if (measure === canvasMeasure) glyphs.set(key, w);
    }
    if (w === null) return null;
    width += w;
  }
  return width;
}

/** True unless `text` in `font` measures at most `room` pixels (or cannot be measured). */
export function mayOverflow(text: string, font: string, measure: Measure = canvasMeasure, room = TEXT_ROOM_PX): boolean {
  return (glyphSumWidth(text, font, measure) ?? Infinity) > room;
}
