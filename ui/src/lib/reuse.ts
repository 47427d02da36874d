// A render as material for the composer's draft, the same from the Library's detail and
// the workspace's stage: its request (Remix), its clip or last frame to continue from
// (Extend), and any frame of it as a start frame, end frame or media reference. Frames and
// expired clips go through the person's upload storage (the core says when there is none).
import type { IpcError, JobDetail } from "./ipc";
import { frameReference, renderReference } from "./ipc";
import { draft, loadExtension, loadRequest, useFrame, type FrameRole } from "./composer.svelte";
import { MEDIA_MAX } from "./rules";
import { t } from "./locale.svelte";

/** Fills the draft with render `d`'s request, as the person wrote it. */
export function remixInto(d: JobDetail): void {
  const r = d.request;
  if (!r) return;
  // The person's prompt (an extension's request also holds the words added for the
  // service), and what it continues, if that is still in the history.
  loadRequest(draft, { ...r, prompt: d.summary.prompt });
  if (d.extends && (d.extends_from === "clip" || d.extends_from === "frame")) {
    draft.extends = { job_id: d.extends.id, from: d.extends_from, title: d.extends.prompt };
  }
}

/** What fills the draft to continue render `d` from its clip or last frame (the reference
 * made first: the output URL while the service serves it, else the local copy uploaded). */
export async function extensionOf(d: JobDetail & { request: NonNullable<JobDetail["request"]> }, from: "clip" | "frame"): Promise<() => void> {
  const r = d.request;
  const ref = await renderReference(d.summary.id, from);
  const source = { id: d.summary.id, prompt: d.summary.prompt };
  return () => loadExtension(draft, r, ref.url, from, source);
}

/** Puts the frame of render `id` at `atS` seconds into the draft as `role`; the note to
 * show when it could not (the draft full, no storage for the frame), else null. */
export async function frameInto(id: string, atS: number, role: FrameRole): Promise<string | null> {
  try {
    const ref = await frameReference(id, atS);
    return useFrame(draft, ref.url, role, MEDIA_MAX) ? null : t("frame.full", { n: MEDIA_MAX });
  } catch (e) {
    return reuseError(e);
  }
}

/** The type a render carries when it is dragged (from the feed or a Library tile) onto a
 * reference slot: its id, never a URL, so no other drop target takes it for a link. */
export const RENDER_DRAG = "application/x-seedance-render";

/** Puts render `id` into the draft as `role`, as a drop onto that slot means: its last frame
 * as a start or end frame, its clip as a media reference (the output URL while the service
 * serves it, else the local copy through the storage). The note to show, else null. */
export async function renderInto(id: string, role: FrameRole): Promise<string | null> {
  try {
    const ref = await renderReference(id, role === "media" ? "clip" : "frame");
    return useFrame(draft, ref.url, role, MEDIA_MAX) ? null : t("frame.full", { n: MEDIA_MAX });
  } catch (e) {
    return reuseError(e);
  }
}

/** How a failure to make a render into a reference reads. */
export function reuseError(e: unknown): string {
  const err = e as IpcError;
  return err.code === "needs_storage" ? `${t("frame.needsStorage")} ${err.message}` : err.message;
}
