// A project's shot edited in the composer: the shot's prompt (or its director's fields),
// every setting and its references come into the composer's draft, the person's own draft
// is kept aside meanwhile (and is what stays saved), and saving writes the shot back with
// only the settings where it differs from its project.
import type { Chain, Problem, ProjectView, ShotDirection, ShotPlan, ShotSettings, ShotView } from "./bindings";
import { draft, restoreDraft, savedDraft, type Reference } from "./composer.svelte";
import { CONSTRAINTS, emptyDirection, type Constraint } from "./director";
import type { Settings } from "./rules";

export interface ShotEditing {
  /** The project's id, and its name to show. */
  project: string;
  projectName: string;
  /** The shot's index (1 for the first). */
  index: number;
  title: string;
  chain: Chain;
  /** The project's settings, which the shot follows where it sets none. */
  defaults: ShotSettings;
  /** The person's own draft, put back when the shot is saved or left. */
  kept: object;
}

export const shotEdit = $state({ current: null as ShotEditing | null });

/** The project the Projects view shows, kept across visits to other areas (so a shot
 * saved in the composer comes back to its project). */
export const projectsPlace = $state({ open: null as string | null });

/** What the service uses for a field nobody set. */
const SERVICE_DEFAULTS = {
  tier: "standard",
  channel: "standard",
  aspect: "16:9",
  resolution: "720p",
  duration: 5,
  audio: true,
  fixed_lens: false,
} as const;

type Effective = { [K in keyof typeof SERVICE_DEFAULTS]-?: NonNullable<ShotSettings[K]> };

/** The settings a shot renders with: its own, else its project's, else the service's. */
export function effectiveSettings(own: ShotSettings, defaults: ShotSettings): Effective {
  const pick = <K extends keyof Effective>(k: K) => (own[k] ?? defaults[k] ?? SERVICE_DEFAULTS[k]) as Effective[K];
  return {
    tier: pick("tier"),
    channel: pick("channel"),
    aspect: pick("aspect"),
    resolution: pick("resolution"),
    duration: pick("duration"),
    audio: pick("audio"),
    fixed_lens: pick("fixed_lens"),
  };
}

/** The mode a shot's request has: from its references and its chain, as the engine sets it. */
export function shotMode(chain: Chain, hasImage: boolean, mediaCount: number): Settings["mode"] {
  if (hasImage || chain === "last-frame") return "image-to-video";
  if (mediaCount > 0 || chain === "clip") return "media-to-video";
  return "text-to-video";
}

function reference(url: string): Reference {
  return { url, checking: false, probe: null, error: null };
}

/** Opens shot `shot` of `project` in the composer; the person's draft is kept aside. */
export function startShotEdit(project: ProjectView, shot: ShotView): void {
  const kept = shotEdit.current?.kept ?? savedDraft(draft);
  const s = effectiveSettings(shot.settings, project.defaults);
  draft.prompt = shot.prompt;
  draft.directorMode = shot.direction !== null;
  draft.direction = shot.direction ? directionOf(shot.direction) : emptyDirection();
  draft.settings = {
    mode: shotMode(shot.chain, shot.image !== null, shot.media.length),
    tier: s.tier,
    channel: s.channel,
    aspect: s.aspect,
    duration: s.duration,
    resolution: s.resolution,
    audio: s.audio,
    fixedLens: s.fixed_lens,
    seed: shot.seed,
  };
  draft.start = shot.image ? reference(shot.image) : null;
  draft.end = shot.end_image ? reference(shot.end_image) : null;
  draft.media = shot.media.map(reference);
  draft.extends = null;
  shotEdit.current = {
    project: project.id,
    projectName: project.name,
    index: shot.index,
    title: shot.title,
    chain: shot.chain,
    defaults: project.defaults,
    kept,
  };
}

function directionOf(d: ShotDirection) {
  return {
    subject: d.subject,
    action: d.action,
    scene: d.scene,
    camera: d.camera,
    style: d.style,
    extra: d.extra,
    shots: [...d.shots],
    constraints: d.constraints.filter((c): c is Constraint => (CONSTRAINTS as readonly string[]).includes(c)),
  };
}

/**
 * The shot the composer's draft plans, with `prompt` (written, or built from the
 * direction): settings only where they differ from the project's, so that a later change
 * of the project's reaches it.
 */
export function shotPlanOf(editing: ShotEditing, prompt: string): ShotPlan {
  const s = draft.settings;
  const base = effectiveSettings({}, editing.defaults);
  const settings: ShotSettings = {};
  if (s.tier !== base.tier) settings.tier = s.tier;
  if (s.channel !== base.channel) settings.channel = s.channel;
  if (s.aspect !== base.aspect) settings.aspect = s.aspect;
  if (s.resolution !== base.resolution) settings.resolution = s.resolution;
  if (s.duration !== base.duration) settings.duration = s.duration;
  if (s.audio !== base.audio) settings.audio = s.audio;
  if (s.fixedLens !== base.fixed_lens) settings.fixed_lens = s.fixedLens;
  return {
    title: editing.title.trim(),
    prompt,
    chain: editing.chain,
    seed: s.seed,
    settings,
    image: draft.start?.url ?? null,
    end_image: draft.end?.url ?? null,
    media: draft.media.map((r) => r.url),
    direction: draft.directorMode ? { ...draft.direction, shots: [...draft.direction.shots], constraints: [...draft.direction.constraints] } : null,
  };
}

/** Leaves the shot (saved or not): the person's own draft comes back. */
export function endShotEdit(): void {
  const editing = shotEdit.current;
  if (!editing) return;
  shotEdit.current = null;
  restoreDraft(draft, editing.kept);
}

/** The composer's field a shot's problem is about: `shots[2].image` → `image_url`. */
export function composerField(p: Problem): string {
  const field = p.field.replace(/^shots\[\d+\]\./, "");
  const names: Record<string, string> = {
    image: "image_url",
    end_image: "end_image_url",
    media: "media_urls",
  };
  const head = field.split("[")[0];
  return (names[head] ?? head) + field.slice(head.length);
}
