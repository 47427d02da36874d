import { describe, expect, it } from "vitest";
import { gridWindow } from "./grid";

const viewport = { width: 1000, height: 600 };
const cell = { width: 240, height: 200 };

describe("gridWindow", () => {
  it("renders the same number of cells for 100 and 100,000 renders", () => {
    const small = gridWindow(100, 0, viewport, cell);
    const huge = gridWindow(100_000, 0, viewport, cell);
    expect(huge.end - huge.start).toBe(small.end - small.start);
    const deep = gridWindow(100_000, 1_000_000, viewport, cell);
    expect(deep.end - deep.start).toBe(huge.end - huge.start);
    expect(deep.end - deep.start).toBeLessThanOrEqual(4 * 8);
  });

  it("places the rows it renders where they belong", () => {
    const w = gridWindow(100_000, 10_000, viewport, cell);
    expect(w.columns).toBe(4);
    expect(w.offsetTop).toBe((50 - 2) * 200);
    expect(w.start).toBe(48 * 4);
    expect(w.totalHeight).toBe(25_000 * 200);
  });

  it("stops at the last item", () => {
    const w = gridWindow(10, 0, viewport, cell);
    expect(w.start).toBe(0);
    expect(w.end).toBe(10);
    expect(gridWindow(0, 0, viewport, cell).end).toBe(0);
  });
});
