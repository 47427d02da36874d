import { describe, expect, it } from "vitest";
import type { ProjectView, ShotView } from "./bindings";
import { draft } from "./composer.svelte";
import { composerField, endShotEdit, shotEdit, shotMode, shotPlanOf, startShotEdit } from "./shotEdit.svelte";

function shot(over: Partial<ShotView> = {}): ShotView {
  return {
    index: 2,
    title: "Inside",
    prompt: "Passengers look out at the falling snow.",
    chain: "last-frame",
    settings: { resolution: "1080p", tier: "pro" },
    seed: 7,
    image: null,
    end_image: null,
    media: [],
    direction: null,
    status: "draft",
    needs: null,
    edit: { transition: "cut" },
    takes: [],
    ...over,
  };
}

function project(s: ShotView): ProjectView {
  return {
    id: "p1",
    name: "Glass Train",
    notes: "",
    budget: 400,
    spent: 0,
    defaults: { aspect: "9:16", duration: 8, audio: false },
    created_at: 0,
    rendering: false,
    shots: [s],
  };
}

describe("a shot in the composer", () => {
  it("comes in with every setting it renders with, and keeps the person's draft aside", () => {
    draft.prompt = "my own idea, not the shot's";
    draft.settings.tier = "mini";
    const s = shot();
    startShotEdit(project(s), s);
    expect(draft.prompt).toBe(s.prompt);
    expect(draft.settings).toMatchObject({
      mode: "image-to-video",
      tier: "pro",
      resolution: "1080p",
      aspect: "9:16",
      duration: 8,
      audio: false,
      fixedLens: false,
      seed: 7,
    });
    expect(shotEdit.current?.index).toBe(2);
    endShotEdit();
    expect(shotEdit.current).toBeNull();
    expect(draft.prompt).toBe("my own idea, not the shot's");
    expect(draft.settings.tier).toBe("mini");
  });

  it("is saved with only the settings where it differs from its project", () => {
    const s = shot();
    startShotEdit(project(s), s);
    draft.settings.duration = 8; // the project's: follows the project
    draft.settings.audio = true; // differs from the project's "off"
    draft.settings.fixedLens = true;
    draft.media = [{ url: "https://a.test/style.png", checking: false, probe: null, error: null }];
    const plan = shotPlanOf(shotEdit.current!, "A new prompt.");
    expect(plan.settings).toEqual({ tier: "pro", resolution: "1080p", audio: true, fixed_lens: true });
    expect(plan).toMatchObject({ title: "Inside", prompt: "A new prompt.", chain: "last-frame", seed: 7, media: ["https://a.test/style.png"], direction: null });
    endShotEdit();
  });

  it("keeps its director's fields when it was directed", () => {
    const direction = { subject: "a conductor", action: "waves", scene: "", camera: "", style: "", shots: ["one"], constraints: ["no logo", "not a constraint"], extra: "" };
    const s = shot({ direction });
    startShotEdit(project(s), s);
    expect(draft.directorMode).toBe(true);
    expect(draft.direction.constraints).toEqual(["no logo"]);
    draft.direction.camera = "slow dolly-in";
    expect(shotPlanOf(shotEdit.current!, "built").direction).toMatchObject({ subject: "a conductor", camera: "slow dolly-in", shots: ["one"] });
    endShotEdit();
  });

  it("names a shot's problems by the composer's fields", () => {
    const p = (field: string) => composerField({ field, message: "", code: "invalid_url", params: {} } as never);
    expect(p("shots[2].image")).toBe("image_url");
    expect(p("shots[3].media_urls[1]")).toBe("media_urls[1]");
    expect(p("shots[2].media")).toBe("media_urls");
    expect(p("shots[1].chain")).toBe("chain");
    expect(p("duration")).toBe("duration");
  });

  it("has the mode its references and chain give it", () => {
    expect(shotMode("none", false, 0)).toBe("text-to-video");
    expect(shotMode("last-frame", false, 0)).toBe("image-to-video");
    expect(shotMode("clip", false, 0)).toBe("media-to-video");
    expect(shotMode("none", false, 2)).toBe("media-to-video");
    expect(shotMode("clip", true, 0)).toBe("image-to-video");
  });
});
