import { describe, expect, it } from "vitest";
import { buildPrompt, CONSTRAINTS, emptyDirection } from "./director";

describe("buildPrompt", () => {
  it("puts the parts in the vendor's order, shots numbered, constraints last", () => {
    const prompt = buildPrompt({
      subject: "a lighthouse keeper in a yellow raincoat",
      action: "climbs the stairs and lights the lamp",
      scene: "a rocky island at dusk, heavy rain",
      camera: "slow upward tracking shot",
      style: "cinematic, muted teal and amber",
      shots: ["close-up of wet hands on the rail", "", "wide shot of the beam sweeping the sea"],
      constraints: ["stable faces", "no watermark"],
      extra: "",
    });
    expect(prompt).toBe(
      "a lighthouse keeper in a yellow raincoat climbs the stairs and lights the lamp. " +
        "a rocky island at dusk, heavy rain. " +
        "Shot 1: close-up of wet hands on the rail. Shot 2: wide shot of the beam sweeping the sea. " +
        "Camera: slow upward tracking shot. Style: cinematic, muted teal and amber. Stable faces, no watermark.",
    );
  });

  it("starts with the whole constraint package and nothing else", () => {
    const d = emptyDirection();
    expect(d.constraints).toEqual([...CONSTRAINTS]);
    expect(buildPrompt(d)).toBe(
      "Stable faces, natural motion, no deformation, no watermark, no logo, no subtitles.",
    );
  });

  it("keeps Japanese sentences as they end", () => {
    const d = { ...emptyDirection(), subject: "雪山を走る列車", constraints: [] };
    expect(buildPrompt(d)).toBe("雪山を走る列車.");
    expect(buildPrompt({ ...d, subject: "雪山を走る列車。" })).toBe("雪山を走る列車。");
  });
});
