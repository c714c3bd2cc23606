import { describe, expect, it } from "vitest";
import { NAME_FONT, TEXT_ROOM_PX, canvasMeasure, glyphSumWidth, mayOverflow } from "./textFit";

describe("clipping a node's text only when it may not fit", () => {
  const eightPerChar = (text: string) => text.length * 8;

  it("leaves text that measures within the room unclipped, and clips what is wider", () => {
    expect(mayOverflow("Set 133", NAME_FONT, eightPerChar)).toBe(false);
    expect(mayOverflow("x".repeat(TEXT_ROOM_PX / 8), NAME_FONT, eightPerChar)).toBe(false);
    expect(mayOverflow("A rather long step name", NAME_FONT, eightPerChar)).toBe(true);
  });

  it("adds up the widths of a line's characters", () => {
    const widths: Record<string, number> = { W: 13, i: 3 };
    expect(glyphSumWidth("WiW", NAME_FONT, (ch) => widths[ch] ?? null)).toBe(29);
    expect(glyphSumWidth("Wx", NAME_FONT, (ch) => widths[ch] ?? null)).toBeNull();
    expect(mayOverflow("W".repeat(8), NAME_FONT, (ch) => widths[ch] ?? null)).toBe(true);
    expect(mayOverflow("i".repeat(30), NAME_FONT, (ch) => widths[ch] ?? null)).toBe(false);
  });

  it("clips every line when text cannot be measured (no canvas)", () => {
    expect(canvasMeasure("Set 133", NAME_FONT)).toBeNull(); // vitest runs without a DOM
    expect(mayOverflow("Set 133", NAME_FONT)).toBe(true);
    expect(mayOverflow("Set 133", NAME_FONT, () => null)).toBe(true);
  });
});
