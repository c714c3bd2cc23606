import { describe, expect, it } from "vitest";
import css from "../../styles.css?raw";
import { END_COLOUR, VARIANT_COLOURS, nodeColour, nodeIconClass, nodeIconImage } from "./nodeIcon";

const decoded = (image: string) => decodeURIComponent(image.slice('url("data:image/svg+xml,'.length, -2));

describe("node icons as background images", () => {
  it("use the node colours of styles.css", () => {
    const token = (name: string) => new RegExp(`--c-${name}:\\s*(#[0-9a-f]{6})`).exec(css)?.[1];
    for (const [variant, colour] of Object.entries(VARIANT_COLOURS)) expect(token(variant), variant).toBe(colour);
    expect(/\.fd-node--type-end\s*\{\s*--c:\s*(#[0-9a-f]{6})/.exec(css)?.[1]).toBe(END_COLOUR);
    expect(nodeColour("terminal", "end")).toBe(END_COLOUR);
    expect(nodeColour("terminal", "start")).toBe(VARIANT_COLOURS.terminal);
  });

  it("draw the named icon's path in the node's colour, one shared image per icon and colour", () => {
    const image = nodeIconImage("cog", "#1f5fd1");
    expect(image.startsWith('url("data:image/svg+xml,')).toBe(true);
    expect(decoded(image)).toContain('stroke="#1f5fd1"');
    expect(decoded(image)).toMatch(/<path d="M12 15a3/);
    expect(nodeIconImage("cog", "#1f5fd1")).toBe(image);
    expect(nodeIconImage("cog", "#b45309")).not.toBe(image);
  });

  it("turn the gateway's icon back against its diamond, and draw a dot for an unknown icon", () => {
    expect(decoded(nodeIconImage("split", "#b45309", true))).toContain('<g transform="rotate(-45 12 12)">');
    expect(decoded(nodeIconImage("split", "#b45309"))).not.toContain("rotate");
    expect(decoded(nodeIconImage("no-such-icon", "#475569"))).toContain("<circle");
  });

  it("name one class per icon and colour for the nodes to share", () => {
    const cog = nodeIconClass("cog", "#1f5fd1");
    expect(cog).toMatch(/^fd-ni-\d+$/);
    expect(nodeIconClass("cog", "#1f5fd1")).toBe(cog);
    expect(nodeIconClass("cog", "#b45309")).not.toBe(cog);
    expect(nodeIconClass("cog", "#1f5fd1", true)).not.toBe(cog);
  });
});
