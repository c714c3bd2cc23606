import { describe, expect, it } from "vitest";
import { canRedo, canUndo, historyRecord, historyRedo, historyStart, historyUndo } from "./history";

describe("undo history", () => {
  it("undoes and redoes back to the exact snapshots", () => {
    let h = historyStart("a");
    h = historyRecord(h, "b");
    h = historyRecord(h, "c");
    h = historyUndo(h);
    expect(h.present).toBe("b");
    h = historyUndo(h);
    expect(h.present).toBe("a");
    expect(canUndo(h)).toBe(false);
    h = historyRedo(historyRedo(h));
    expect(h.present).toBe("c");
    expect(canRedo(h)).toBe(false);
  });

  it("ignores a snapshot equal to the present", () => {
    const h = historyRecord(historyStart("a"), "a");
    expect(canUndo(h)).toBe(false);
  });

  it("drops the redo branch when a new change is recorded", () => {
    let h = historyRecord(historyStart("a"), "b");
    h = historyUndo(h);
    h = historyRecord(h, "x");
    expect(canRedo(h)).toBe(false);
    expect(historyUndo(h).present).toBe("a");
  });

  it("keeps at most `limit` past snapshots", () => {
    let h = historyStart("0");
    for (let i = 1; i <= 10; i++) h = historyRecord(h, String(i), 3);
    expect(h.past).toEqual(["7", "8", "9"]);
  });

  it("does nothing when there is nothing to undo or redo", () => {
    const h = historyStart("a");
    expect(historyUndo(h)).toBe(h);
    expect(historyRedo(h)).toBe(h);
  });
});
