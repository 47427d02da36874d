import { describe, expect, it } from "vitest";
import type { JobDetail } from "./bindings";
import { drifted, followerTime, rows, stepped } from "./compare";

function detail(seed: number, resolution: string, prompt = "a lighthouse at dusk"): JobDetail {
  return {
    summary: { id: `j${seed}`, seed, prompt, credits_used: 30, delivery: null },
    request: { prompt, resolution, duration: "5" },
  } as unknown as JobDetail;
}

describe("compare", () => {
  it("marks the settings the renders differ in", () => {
    const table = rows([detail(1, "720p"), detail(2, "720p"), detail(3, "1080p")]);
    const differing = table.filter((r) => r.differs).map((r) => r.field);
    expect(differing).toEqual(["resolution", "seed"]);
    expect(table.find((r) => r.field === "resolution")?.values).toEqual(["720p", "720p", "1080p"]);
  });

  it("keeps followers on the leader's clock, each held at its own end", () => {
    expect(followerTime(3.2, 5)).toBe(3.2);
    expect(followerTime(6.5, 5)).toBe(5);
    expect(followerTime(1, Number.NaN)).toBe(1);
    expect(drifted(1.0, 1.02)).toBe(false);
    expect(drifted(1.0, 1.05)).toBe(true);
  });

  it("steps by whole frames within the clip", () => {
    expect(stepped(0, 1, 24, 5)).toBeCloseTo(1.5 / 24);
    expect(stepped(1.5 / 24, -1, 24, 5)).toBeCloseTo(0.5 / 24);
    expect(stepped(0, -1, 24, 5)).toBe(0);
    expect(stepped(4.99, 5, 24, 5)).toBeLessThan(5);
  });
});
