// Director mode: the prompt built from the parts the vendor's guide asks for (subject,
// action, scene, camera motion, style, constraints), with ordered shots for complex scenes
// and the constraint package as toggles.

export const CONSTRAINTS = [
  "stable faces",
  "natural motion",
  "no deformation",
  "no watermark",
  "no logo",
  "no subtitles",
] as const;

export type Constraint = (typeof CONSTRAINTS)[number];

export interface Direction {
  subject: string;
  action: string;
  scene: string;
  camera: string;
  style: string;
  /** Ordered shots, for scenes told in several steps. */
  shots: string[];
  constraints: Constraint[];
  /** Anything else, added as written. */
  extra: string;
}

export function emptyDirection(): Direction {
  return {
    subject: "",
    action: "",
    scene: "",
    camera: "",
    style: "",
    shots: [],
    constraints: [...CONSTRAINTS],
    extra: "",
  };
}

function sentence(text: string): string {
  const t = text.trim();
  if (!t) return "";
  return /[.!?。！？]$/.test(t) ? t : `${t}.`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The prompt a direction makes: one sentence per part, shots numbered, constraints last. */
export function buildPrompt(d: Direction): string {
  const parts: string[] = [];
  const who = [d.subject.trim(), d.action.trim()].filter(Boolean).join(" ");
  if (who) parts.push(sentence(who));
  if (d.scene.trim()) parts.push(sentence(d.scene));
  d.shots
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((shot, i) => parts.push(sentence(`Shot ${i + 1}: ${shot}`)));
  if (d.camera.trim()) parts.push(sentence(`Camera: ${d.camera.trim()}`));
  if (d.style.trim()) parts.push(sentence(`Style: ${d.style.trim()}`));
  if (d.extra.trim()) parts.push(sentence(d.extra));
  const chosen = CONSTRAINTS.filter((c) => d.constraints.includes(c));
  if (chosen.length) parts.push(sentence(capitalised(chosen.join(", "))));
  return parts.join(" ");
}
