import { describe, expect, it } from "vitest";
import {
  aspectShape,
  modeForReferences,
  randomSeed,
  reconcile,
  resolutionAvailability,
  seedAvailability,
  SEED_MAX,
  type Settings,
} from "./rules";

const base: Settings = {
  mode: "text-to-video",
  tier: "pro",
  channel: "standard",
  aspect: "16:9",
  duration: 5,
  resolution: "4k",
  audio: true,
  fixedLens: false,
  seed: 7,
};

describe("availability", () => {
  it("offers 4k and 1080p-plus only with the pro tier, saying why", () => {
    expect(resolutionAvailability("4k", "pro").ok).toBe(true);
    expect(resolutionAvailability("4k", "standard")).toEqual({ ok: false, reason: "rule.4kNeedsPro" });
    expect(resolutionAvailability("1080p-plus", "mini")).toEqual({ ok: false, reason: "rule.plusNeedsPro" });
    expect(resolutionAvailability("1080p", "mini").ok).toBe(true);
  });

  it("refuses a fixed seed on the real channel and the mini tier", () => {
    expect(seedAvailability({ tier: "standard", channel: "real" }).reason).toBe("rule.seedNotOnReal");
    expect(seedAvailability({ tier: "mini", channel: "standard" }).reason).toBe("rule.seedNotOnMini");
    expect(seedAvailability({ tier: "pro", channel: "wild" }).ok).toBe(true);
  });
});

describe("reconcile", () => {
  it("never leaves a setting invalid without saying so", () => {
    const { settings, notices } = reconcile({ ...base, tier: "mini" });
    expect(settings.resolution).toBe("1080p");
    expect(settings.seed).toBeNull();
    expect(notices.map((n) => n.key)).toEqual(["notice.resolutionLowered", "notice.seedDropped"]);
    expect(notices[0].vars).toEqual({ from: "4k", to: "1080p" });
  });

  it("changes nothing, and says nothing, when all goes together", () => {
    expect(reconcile(base)).toEqual({ settings: base, notices: [] });
  });

  it("keeps the duration in 4–15 whole seconds", () => {
    expect(reconcile({ ...base, duration: 40 }).settings.duration).toBe(15);
    expect(reconcile({ ...base, duration: 2 }).settings.duration).toBe(4);
    expect(reconcile({ ...base, duration: 7.6 }).settings.duration).toBe(8);
  });
});

describe("references and mode", () => {
  it("suggests the mode the references call for", () => {
    expect(modeForReferences("text-to-video", true, 0)).toBe("image-to-video");
    expect(modeForReferences("text-to-video", false, 2)).toBe("media-to-video");
    expect(modeForReferences("image-to-video", true, 0)).toBeNull();
    expect(modeForReferences("media-to-video", true, 3)).toBeNull();
    expect(modeForReferences("text-to-video", false, 0)).toBeNull();
  });
});

describe("shapes and seeds", () => {
  it("draws aspect ratios to scale", () => {
    expect(aspectShape("16:9")).toEqual({ w: 22, h: 12 });
    expect(aspectShape("9:16")).toEqual({ w: 12, h: 22 });
    expect(aspectShape("1:1")).toEqual({ w: 22, h: 22 });
  });

  it("draws seeds across the API's whole range", () => {
    expect(randomSeed(() => 0)).toBe(0);
    expect(randomSeed(() => 0.999999999999)).toBe(SEED_MAX);
  });
});
