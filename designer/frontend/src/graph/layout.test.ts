import { describe, expect, it } from "vitest";
import { layoutGraph } from "./layout";

describe("auto-layout", () => {
  it("places each node to the right of the nodes leading into it", () => {
    const positions = layoutGraph(
      [{ id: "s" }, { id: "a" }, { id: "b" }, { id: "end" }],
      [
        { source: "s", target: "a" },
        { source: "s", target: "b" },
        { source: "a", target: "end" },
        { source: "b", target: "end" },
      ],
    );
    const x = (id: string) => positions.get(id)!.x;
    expect(x("s")).toBeLessThan(x("a"));
    expect(x("a")).toBe(x("b"));
    expect(x("b")).toBeLessThan(x("end"));
    expect(positions.get("a")!.y).not.toBe(positions.get("b")!.y);
  });

  it("ignores edges to nodes it was not given", () => {
    const positions = layoutGraph([{ id: "s" }], [{ source: "s", target: "ghost" }]);
    expect([...positions.keys()]).toEqual(["s"]);
  });
});
