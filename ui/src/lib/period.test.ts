import { describe, expect, it } from "vitest";
import { periodStart, tileAspect } from "./period";

describe("the Library's when filter", () => {
  it("counts periods back from now, today from local midnight", () => {
    const now = new Date(2026, 11, 6, 15, 30).getTime();
    expect(periodStart("", now)).toBeNull();
    expect(periodStart("today", now)).toBe(new Date(2026, 11, 6, 0, 0).getTime());
    expect(periodStart("week", now)).toBe(now - 7 * 86_400_000);
    expect(periodStart("month", now)).toBe(now - 30 * 86_400_000);
    expect(periodStart("year", now)).toBe(now - 365 * 86_400_000);
  });
});

describe("a tile's shape", () => {
  it("is the delivered picture's, else the aspect asked for, else 16:9", () => {
    expect(tileAspect("16:9", { width: 720, height: 1280 })).toBeCloseTo(0.5625);
    expect(tileAspect("9:16")).toBeCloseTo(0.5625);
    expect(tileAspect("21:9")).toBeCloseTo(21 / 9);
    expect(tileAspect("adaptive")).toBeCloseTo(16 / 9);
    expect(tileAspect(null, { width: 0, height: 0 })).toBeCloseTo(16 / 9);
  });
});
