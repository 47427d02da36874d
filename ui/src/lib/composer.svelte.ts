// The draft in the composer. It lives outside the Compose view, so it survives a visit to
// another area and stays after a submission for the next variation.
import type { GenerationRequest, Probe } from "./bindings";
import { emptyDirection, type Direction } from "./director";
import type { Settings } from "./rules";

export interface Reference {
  url: string;
  checking: boolean;
  probe: Probe | null;
  error: string | null;
}

export const draft = $state({
  prompt: "",
  directorMode: false,
  direction: emptyDirection() as Direction,
  settings: {
    mode: "text-to-video",
    tier: "standard",
    channel: "standard",
    aspect: "16:9",
    duration: 5,
    resolution: "720p",
    audio: true,
    fixedLens: false,
    seed: null,
  } as Settings,
  start: null as Reference | null,
  end: null as Reference | null,
  media: [] as Reference[],
});

/** The request the draft makes, in the API's shape. */
export function toRequest(d: typeof draft, prompt: string): GenerationRequest {
  const s = d.settings;
  return {
    mode: s.mode,
    quality_tier: s.tier,
    channel: s.channel,
    prompt,
    aspect_ratio: s.aspect,
    duration: String(s.duration),
    resolution: s.resolution,
    image_url: d.start?.url ?? null,
    end_image_url: d.end?.url ?? null,
    media_urls: d.media.map((r) => r.url),
    generate_audio: s.audio,
    fixed_lens: s.fixedLens,
    seed: s.seed,
  };
}
