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

/** Whether the composer holds anything a person typed or picked. */
export function draftHasWork(d: typeof draft): boolean {
  return (
    d.prompt.trim() !== "" ||
    (d.directorMode && (d.direction.subject.trim() !== "" || d.direction.action.trim() !== "")) ||
    d.start !== null ||
    d.end !== null ||
    d.media.length > 0
  );
}

function reference(url: string): Reference {
  return { url, checking: false, probe: null, error: null };
}

/** Loads a past request into the composer (Remix). References are re-checked by the view. */
export function loadRequest(d: typeof draft, r: GenerationRequest): void {
  d.directorMode = false;
  d.prompt = r.prompt;
  d.settings = {
    mode: r.mode ?? "text-to-video",
    tier: r.quality_tier ?? "standard",
    channel: r.channel ?? "standard",
    aspect: r.aspect_ratio ?? "16:9",
    duration: Number(r.duration ?? "5"),
    resolution: r.resolution ?? "720p",
    audio: r.generate_audio ?? true,
    fixedLens: r.fixed_lens ?? false,
    seed: r.seed ?? null,
  };
  d.start = r.image_url ? reference(r.image_url) : null;
  d.end = r.end_image_url ? reference(r.end_image_url) : null;
  d.media = (r.media_urls ?? []).map(reference);
}

/** The phrase the vendor's guide asks for when a clip is extended. */
export const CONTINUE_PHRASE = "Continue from the supplied previous clip.";

/**
 * Extend: a new job that continues a clip, with the clip as a media reference (`from:
 * "clip"`) or its last frame as the start frame (`from: "frame"`).
 */
export function loadExtension(d: typeof draft, r: GenerationRequest, url: string, from: "clip" | "frame"): void {
  loadRequest(d, r);
  d.settings.seed = null;
  d.end = null;
  if (from === "clip") {
    d.settings.mode = "media-to-video";
    d.start = null;
    d.media = [reference(url)];
    d.prompt = `${CONTINUE_PHRASE} ${r.prompt}`;
  } else {
    d.settings.mode = "image-to-video";
    d.start = reference(url);
    d.media = [];
    d.prompt = `The clip opens on the supplied start frame, the last frame of the previous clip. ${r.prompt}`;
  }
}
