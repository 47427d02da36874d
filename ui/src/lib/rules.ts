// Which settings go together, said before anything is sent: each option knows whether it
// is available with the rest of the draft and, if not, why. `reconcile` repairs a draft
// after one setting changed and says what it changed, so nothing turns invalid silently.
// The Rust validator stays the authority at submission; these rules mirror SEEDANCE_API.md.
import type { AspectRatio, Channel, Mode, QualityTier, Resolution } from "./bindings";
import type { MessageKey } from "./i18n";

export const MODES: Mode[] = ["text-to-video", "image-to-video", "media-to-video"];
export const TIERS: QualityTier[] = ["mini", "standard", "pro"];
export const CHANNELS: Channel[] = ["standard", "real", "wild"];
export const ASPECTS: AspectRatio[] = ["16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "adaptive"];
export const RESOLUTIONS: Resolution[] = ["720p", "1080p", "1080p-plus", "4k"];
export const DURATION_MIN = 4;
export const DURATION_MAX = 15;
export const MEDIA_MAX = 12;
export const SEED_MIN = -1;
export const SEED_MAX = 4294967295;

/** The composer's settings (the prompt and references live beside them). */
export interface Settings {
  mode: Mode;
  tier: QualityTier;
  channel: Channel;
  aspect: AspectRatio;
  duration: number;
  resolution: Resolution;
  audio: boolean;
  fixedLens: boolean;
  /** null: a random seed chosen by the service. */
  seed: number | null;
}

export interface Availability {
  ok: boolean;
  /** Why not, as a message key. */
  reason?: MessageKey;
}

const OK: Availability = { ok: true };

/** 1080p-plus and 4k need the pro tier. */
export function resolutionAvailability(resolution: Resolution, tier: QualityTier): Availability {
  if ((resolution === "1080p-plus" || resolution === "4k") && tier !== "pro") {
    return { ok: false, reason: resolution === "4k" ? "rule.4kNeedsPro" : "rule.plusNeedsPro" };
  }
  return OK;
}

/** A fixed seed is not supported on the real channel or the mini tier. */
export function seedAvailability(s: Pick<Settings, "tier" | "channel">): Availability {
  if (s.channel === "real") return { ok: false, reason: "rule.seedNotOnReal" };
  if (s.tier === "mini") return { ok: false, reason: "rule.seedNotOnMini" };
  return OK;
}

/** Aspect ratios drawn as shapes: width and height of the outline. */
export function aspectShape(aspect: AspectRatio): { w: number; h: number } {
  if (aspect === "adaptive") return { w: 18, h: 18 };
  const [a, b] = aspect.split(":").map(Number);
  const scale = 22 / Math.max(a, b);
  return { w: Math.round(a * scale), h: Math.round(b * scale) };
}

export interface Notice {
  key: MessageKey;
  vars?: Record<string, string>;
}

/**
 * Repairs `next` after a change: a resolution the tier cannot render steps down to 1080p,
 * a seed the tier or channel cannot take is dropped, the duration is kept in 4–15.
 * Returns the repaired settings and a notice for each change made.
 */
export function reconcile(next: Settings): { settings: Settings; notices: Notice[] } {
  const settings = { ...next };
  const notices: Notice[] = [];
  if (!resolutionAvailability(settings.resolution, settings.tier).ok) {
    notices.push({ key: "notice.resolutionLowered", vars: { from: settings.resolution, to: "1080p" } });
    settings.resolution = "1080p";
  }
  const seed = seedAvailability(settings);
  if (settings.seed !== null && !seed.ok) {
    notices.push({ key: "notice.seedDropped" });
    settings.seed = null;
  }
  const d = Math.round(settings.duration);
  const clamped = Math.min(DURATION_MAX, Math.max(DURATION_MIN, Number.isFinite(d) ? d : 5));
  if (clamped !== settings.duration) settings.duration = clamped;
  return { settings, notices };
}

/** The mode the references call for, if it differs from `mode`. */
export function modeForReferences(mode: Mode, hasStart: boolean, mediaCount: number): Mode | null {
  if (mediaCount > 0 && mode !== "media-to-video") return "media-to-video";
  if (mediaCount === 0 && hasStart && mode === "text-to-video") return "image-to-video";
  return null;
}

/** A fresh seed in the API's range (0 … 4294967295). */
export function randomSeed(random: () => number = Math.random): number {
  return Math.floor(random() * (SEED_MAX + 1));
}
