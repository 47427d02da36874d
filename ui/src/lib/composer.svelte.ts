// The draft in the composer. It lives outside the Compose view, so it survives a visit to
// another area and stays after a submission for the next variation; and it is saved in the
// engine's store as it changes, so a reloaded page (or a restarted app) gets it back.
import type { ExtendFrom, GenerationRequest, Probe } from "./bindings";
import { CONSTRAINTS, emptyDirection, type Constraint, type Direction } from "./director";
import { ASPECTS, CHANNELS, DURATION_MAX, DURATION_MIN, MEDIA_MAX, MODES, RESOLUTIONS, TIERS, type Settings } from "./rules";

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
  /** The render this draft continues (Extend), shown by its prompt; null for a new one. */
  extends: null as DraftExtension | null,
  /** Renewed after each submission: with the request, it names one act of submitting. */
  nonce: newNonce(),
});

function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The id of submitting `request` from this draft now: the same draft sent again (a page
 * reloaded mid-submit, a second click) has the same id, so the engine returns the job it
 * made instead of charging twice; any change to what is sent, or a finished submission
 * (see `submittedOnce`), makes a new one.
 */
export function submissionId(d: typeof draft, request: GenerationRequest): string {
  const text = JSON.stringify([request, d.extends?.job_id ?? null, d.extends?.from ?? null]);
  // FNV-1a, 32 bits: to tell drafts apart, not to keep secrets.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `c-${d.nonce}-${hash.toString(16).padStart(8, "0")}`;
}

/** After a submission made its job: the next one, even of the same draft, is new. */
export function submittedOnce(d: typeof draft): void {
  d.nonce = newNonce();
  settle(d);
}

export interface DraftExtension {
  job_id: string;
  from: ExtendFrom;
  /** The extended render's prompt, to show which one it is. */
  title: string;
}

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

/** What the person typed and picked (reference previews are not). */
function draftBody(d: typeof draft) {
  return {
    version: 1,
    prompt: d.prompt,
    directorMode: d.directorMode,
    direction: d.direction,
    settings: d.settings,
    start: d.start?.url ?? null,
    end: d.end?.url ?? null,
    media: d.media.map((r) => r.url),
    extends: d.extends,
  };
}

/**
 * The draft as it was when it last came from a render (Remix, Extend) or was submitted:
 * as long as it is still that, replacing it loses nothing the person did.
 */
let settled: string | null = null;

/** Says the draft is, as it stands, a render's or a submission's: nothing of the person's own. */
export function settle(d: typeof draft): void {
  settled = JSON.stringify(draftBody(d));
}

/** Whether the draft holds work of the person's that replacing it would lose. */
export function draftNeedsAsking(d: typeof draft): boolean {
  return draftHasWork(d) && JSON.stringify(draftBody(d)) !== settled;
}

/** The draft as it is kept, with whether it is still untouched (see `settle`). */
export function savedDraft(d: typeof draft): object {
  const body = draftBody(d);
  return { ...body, nonce: d.nonce, untouched: JSON.stringify(body) === settled };
}

const text = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : fallback);
const oneOf = <T>(v: unknown, allowed: readonly T[], fallback: T): T => (allowed.includes(v as T) ? (v as T) : fallback);

/**
 * Puts a kept draft back into `d`. The kept text comes from the store, not from this page:
 * every field is checked, and anything unreadable keeps its default. Returns whether
 * anything was restored.
 */
export function restoreDraft(d: typeof draft, kept: unknown): boolean {
  if (typeof kept !== "object" || kept === null || Array.isArray(kept)) return false;
  const k = kept as Record<string, unknown>;
  d.prompt = text(k.prompt);
  d.directorMode = k.directorMode === true;
  const dir = (typeof k.direction === "object" && k.direction) as Record<string, unknown> | false;
  const base = emptyDirection();
  d.direction = dir
    ? {
        subject: text(dir.subject),
        action: text(dir.action),
        scene: text(dir.scene),
        camera: text(dir.camera),
        style: text(dir.style),
        extra: text(dir.extra),
        shots: Array.isArray(dir.shots) ? dir.shots.filter((x): x is string => typeof x === "string").slice(0, 50) : [],
        constraints: Array.isArray(dir.constraints)
          ? dir.constraints.filter((x): x is Constraint => (CONSTRAINTS as readonly string[]).includes(x as string))
          : [],
      }
    : base;
  const st = (typeof k.settings === "object" && k.settings ? k.settings : {}) as Record<string, unknown>;
  const current = d.settings;
  const duration = Number(st.duration);
  const seed = st.seed;
  d.settings = {
    mode: oneOf(st.mode, MODES, current.mode),
    tier: oneOf(st.tier, TIERS, current.tier),
    channel: oneOf(st.channel, CHANNELS, current.channel),
    aspect: oneOf(st.aspect, ASPECTS, current.aspect),
    duration: Number.isInteger(duration) && duration >= DURATION_MIN && duration <= DURATION_MAX ? duration : current.duration,
    resolution: oneOf(st.resolution, RESOLUTIONS, current.resolution),
    audio: typeof st.audio === "boolean" ? st.audio : current.audio,
    fixedLens: typeof st.fixedLens === "boolean" ? st.fixedLens : current.fixedLens,
    seed: typeof seed === "number" && Number.isInteger(seed) ? seed : null,
  };
  const url = (v: unknown) => (typeof v === "string" && v.length > 0 && v.length < 8192 ? reference(v) : null);
  d.start = url(k.start);
  d.end = url(k.end);
  d.media = (Array.isArray(k.media) ? k.media : [])
    .map(url)
    .filter((r): r is Reference => r !== null)
    .slice(0, MEDIA_MAX);
  const e = (typeof k.extends === "object" && k.extends) as Record<string, unknown> | false;
  d.extends =
    e && typeof e.job_id === "string" && (e.from === "clip" || e.from === "frame")
      ? { job_id: e.job_id, from: e.from, title: text(e.title) }
      : null;
  if (typeof k.nonce === "string" && /^[0-9a-f]{16}$/.test(k.nonce)) d.nonce = k.nonce;
  if (k.untouched === true) settle(d);
  return true;
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
  d.extends = null;
}

/**
 * Extend: a new job that continues render `source`, with its clip as a media reference
 * (`from: "clip"`) or its last frame as the start frame (`from: "frame"`). The prompt is
 * the person's; the engine adds the words the service needs to read the reference so.
 */
export function loadExtension(
  d: typeof draft,
  r: GenerationRequest,
  url: string,
  from: ExtendFrom,
  source: { id: string; prompt: string },
): void {
  loadRequest(d, { ...r, prompt: source.prompt });
  d.settings.seed = null;
  d.end = null;
  if (from === "clip") {
    d.settings.mode = "media-to-video";
    d.start = null;
    d.media = [reference(url)];
  } else {
    d.settings.mode = "image-to-video";
    d.start = reference(url);
    d.media = [];
  }
  d.extends = { job_id: source.id, from, title: source.prompt };
}

/** Where a frame taken from a render goes in the draft. */
export type FrameRole = "start" | "end" | "media";

/**
 * Puts the frame at `url` (uploaded from a render) into the draft as its start frame, end
 * frame or one more media reference; the mode follows, and the rest of the draft stays.
 * Returns false when the draft already has as many media references as the service takes.
 */
export function useFrame(d: typeof draft, url: string, role: FrameRole, mediaMax: number): boolean {
  if (role === "media") {
    if (d.media.length >= mediaMax) return false;
    d.media = [...d.media, reference(url)];
    d.start = null;
    d.end = null;
    d.settings.mode = "media-to-video";
    return true;
  }
  if (role === "start") d.start = reference(url);
  else d.end = reference(url);
  d.media = [];
  d.settings.mode = "image-to-video";
  return true;
}

/**
 * Saves the draft a moment after each change, once the kept one has been read back (so an
 * empty page never overwrites it). `save` is the store call; failures are reported once
 * through `onError` and retried with the next change. `kept` says what is saved: the
 * draft, or the person's own draft while the composer edits a project's shot.
 */
export function keepDraftSaved(
  save: (kept: object) => Promise<void>,
  onError: (message: string) => void,
  kept: () => object = () => savedDraft(draft),
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = "";
  return $effect.root(() => {
    $effect(() => {
      const saving = kept();
      const body = JSON.stringify(saving);
      if (body === last) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        save(saving).then(
          () => (last = body),
          (e: { message?: string }) => onError(e?.message ?? String(e)),
        );
      }, 300);
    });
    return () => clearTimeout(timer);
  });
}
