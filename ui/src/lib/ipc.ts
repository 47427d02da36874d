// The only module that talks to the Rust side. Every IPC call goes through `call`, so
// errors reach the views in one shape ({code, message}) and the command names live here.
// `call` is typed by the generated `Commands` map: each wrapper's arguments and answer are
// checked against the command's Rust signature.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  AppInfo,
  Assembly,
  AssemblyProgress,
  CutView,
  EditExport,
  TransitionKind,
  BudgetStatus,
  Command,
  Commands,
  ConnectionMode,
  CreditsSummary,
  Cursor,
  Filter,
  ImportResult,
  JobDetail,
  LibraryPage,
  LocalReference,
  DraftCheck,
  ErrorCode,
  Extension,
  GenerationRequest,
  IpcError,
  JobEvent,
  JobSummary,
  KeyCheck,
  KeyStatus,
  OverLimit,
  Probe,
  Problem,
  ProjectEstimate,
  ProjectSummary,
  ProjectView,
  RenderStart,
  TagCount,
  Pack,
  Settings,
  ShotPlan,
} from "./bindings";

export type {
  AppInfo,
  Assembly,
  AssemblyProgress,
  CutView,
  EditExport,
  TransitionKind,
  BudgetStatus,
  Command,
  ConnectionMode,
  CreditsSummary,
  Cursor,
  DraftCheck,
  Extension,
  Filter,
  IpcError,
  JobDetail,
  JobEvent,
  JobSummary,
  KeyCheck,
  KeyStatus,
  LibraryPage,
  Probe,
  ProjectEstimate,
  ProjectSummary,
  ProjectView,
  RenderStart,
  Settings,
  TagCount,
  Pack,
  ShotPlan,
};

/** Turns whatever an `invoke` rejected with into an IpcError the views can show. */
export function toIpcError(raw: unknown): IpcError {
  if (raw && typeof raw === "object" && "code" in raw && "message" in raw) {
    const { code, message, field, problems, over_limit } = raw as {
      code: unknown;
      message: unknown;
      field?: unknown;
      problems?: unknown;
      over_limit?: unknown;
    };
    if (typeof code === "string" && typeof message === "string") {
      return {
        code: code as ErrorCode,
        message,
        field: typeof field === "string" ? field : null,
        problems: Array.isArray(problems) ? (problems as Problem[]) : [],
        over_limit: over_limit && typeof over_limit === "object" ? (over_limit as OverLimit) : null,
      };
    }
  }
  const message =
    typeof raw === "string" ? raw : raw instanceof Error ? raw.message : "Unexpected error from the app core";
  return { code: "internal", message, field: null, problems: [], over_limit: null };
}

/** What a command takes; commands that take nothing may be called without it. */
type Args<C extends Command> = Commands[C]["args"];
type ArgsOf<C extends Command> = Record<string, never> extends Args<C> ? [args?: Args<C>] : [args: Args<C>];
/** What a command answers. */
type Answer<C extends Command> = Commands[C]["returns"];

/** Commands sent in the page's first seconds are timed for the startup benchmark (after
 * that, none: the page's list of timings would only grow). */
const TIMED_UNTIL_MS = 5000;

async function call<C extends Command>(command: C, ...[args]: ArgsOf<C>): Promise<Answer<C>> {
  const sent = performance.now();
  try {
    return await invoke<Answer<C>>(command, args as Record<string, unknown> | undefined);
  } catch (raw) {
    throw toIpcError(raw);
  } finally {
    if (sent < TIMED_UNTIL_MS) performance.measure(`ipc ${command}`, { start: sent });
  }
}

/** Version, identifier, data folder and the API the app talks to. */
export function appInfo(): Promise<AppInfo> {
  return call("app_info");
}

/** Switches between Live and Sandbox; each keeps its own history. */
export function connectionSet(mode: ConnectionMode): Promise<AppInfo> {
  return call("connection_set", { mode });
}

/** Where the Live key comes from; never the key itself. */
export function keyStatus(): Promise<KeyStatus> {
  return call("key_status");
}

/** Stores the key in the OS keychain, replacing any stored before. */
export function keySave(key: string): Promise<KeyStatus> {
  return call("key_save", { key });
}

export function keyClear(): Promise<KeyStatus> {
  return call("key_clear");
}

/** Checks the Live key without spending credits. */
export function keyTest(): Promise<KeyCheck> {
  return call("key_test");
}

export function settingsGet(): Promise<Settings> {
  return call("settings_get");
}

/** Stores the settings, or fails naming the field at fault (nothing stored). */
/** Saves the settings; a Live host other than the service's own needs the key for it. */
export function settingsSave(settings: Settings, hostKey: string | null = null): Promise<Settings> {
  return call("settings_save", { settings, hostKey });
}

/** Writes a diagnostics report (no key in it) and returns its path. */
export function diagnosticsExport(): Promise<string> {
  return call("diagnostics_export");
}

/** Every problem with a draft, prompt advice and the cost estimate. */
export function draftCheck(draft: GenerationRequest, extends_: Extension | null = null): Promise<DraftCheck> {
  return call("draft_check", { draft, extends: extends_ });
}

/** Submits a draft (continuing another render when `extends_` says which); `needs_confirmation` when it is above the spend guard. */
export function jobSubmit(
  draft: GenerationRequest,
  confirmedSpend: boolean,
  extends_: Extension | null = null,
  submissionId: string | null = null,
): Promise<JobSummary> {
  return call("job_submit", { draft, confirmedSpend, extends: extends_, submissionId });
}

/** The composer's draft as last saved in the profile database, if any. */
export function draftLoad(): Promise<unknown> {
  return call("draft_load");
}

/** Keeps the composer's draft outside the web view. */
export function draftSave(draft: object): Promise<void> {
  return call("draft_save", { draft });
}

/** What to say once after the page was reloaded because its content process ended. */
export function pageNotice(area: string): Promise<string | null> {
  return call("page_notice", { area });
}

/** The newest jobs of the running mode. */
export function jobsRecent(limit: number): Promise<JobSummary[]> {
  return call("jobs_recent", { limit });
}

/** Checks a reference URL and returns a preview of images. */
export function referenceProbe(url: string): Promise<Probe> {
  return call("reference_probe", { url });
}

/** Hears the bytes sent of one upload. */
export type UploadProgress = (done: number, total: number) => void;

function progressChannel(onProgress: UploadProgress): Channel<[number, number]> {
  const channel = new Channel<[number, number]>();
  channel.onmessage = ([done, total]) => onProgress(done, total);
  return channel;
}

/** Hands a dropped local file's bytes to the core, which uploads it to the storage. A raw
 * body has no arguments, so the progress channel travels in a header. */
export async function referenceFile(file: File, onProgress: UploadProgress): Promise<LocalReference> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const channel = progressChannel(onProgress);
  try {
    const command: Command = "reference_file";
    const body: Args<typeof command> = bytes;
    return await invoke<Answer<typeof command>>(command, body, {
      headers: { "progress-channel": channel.toJSON() },
    });
  } catch (raw) {
    throw toIpcError(raw);
  }
}

/** Stores the upload storage's secret access key in the OS keychain. */
export function storageSecretSave(secret: string): Promise<void> {
  return call("storage_secret_save", { secret });
}

/** Uploads, fetches and deletes a probe object on the upload storage. */
export function storageCheck(): Promise<void> {
  return call("storage_check");
}

/** A dropped local file named by its `file://` URL, uploaded to the storage. */
export function referenceLocal(url: string, onProgress: UploadProgress): Promise<LocalReference> {
  return call("reference_local", { url, progress: progressChannel(onProgress) });
}

/** Calls `handler` with every job event (this app's and other processes'). */
export function onJobEvent(handler: (event: JobEvent) => void): Promise<() => void> {
  return listen<JobEvent>("job-event", (e) => handler(e.payload));
}

export function libraryPage(filter: Filter, after: Cursor | null, limit: number): Promise<LibraryPage> {
  return call("library_page", { filter, after, limit });
}

export function jobDetail(id: string): Promise<JobDetail> {
  return call("job_detail", { id });
}

/** Asks where to save a render's evidence pack and writes it; null when cancelled. */
export function jobEvidence(id: string): Promise<Pack | null> {
  return call("job_evidence", { id });
}

/** Asks where to save a render's video and copies it there; the path, or null when cancelled. */
export function jobDownload(id: string): Promise<string | null> {
  return call("job_download", { id });
}

/** Adds tags to a render; answers its tags. */
export function jobTag(id: string, tags: string[]): Promise<string[]> {
  return call("job_tag", { id, tags });
}

/** Removes tags from a render; answers its tags. */
export function jobUntag(id: string, tags: string[]): Promise<string[]> {
  return call("job_untag", { id, tags });
}

/** Every tag of the history, most used first. */
export function tagsList(): Promise<TagCount[]> {
  return call("tags_list", {});
}

/** Rates a render (1 to 5 stars, or none) and rejects it or takes that back. */
export function jobJudge(id: string, rating: number | null, rejected: boolean): Promise<void> {
  return call("job_judge", { id, rating, rejected });
}

export function jobFavourite(id: string, favourite: boolean): Promise<void> {
  return call("job_favourite", { id, favourite });
}

/** Deletes a render and its files; `needs_confirmation` unless confirmed. */
export function jobDelete(id: string, confirmed: boolean): Promise<void> {
  return call("job_delete", { id, confirmed });
}

/** `retry` (a new charge: confirm), `resend` or `give_up`. */
export function jobAct(
  id: string,
  action: "retry" | "resend" | "give_up",
  confirmed: boolean,
  acceptDoubleCharge = false,
): Promise<JobSummary> {
  return call("job_act", { id, action, confirmed, acceptDoubleCharge });
}

export function creditsSummary(): Promise<CreditsSummary> {
  return call("credits_summary");
}

/** Asks where to save (a native dialog) and exports there; null when cancelled. */
export function libraryExport(): Promise<string | null> {
  return call("library_export");
}

/** Asks which export to read (a native dialog) and imports it; null when cancelled. */
export function libraryImport(): Promise<ImportResult | null> {
  return call("library_import");
}

export function budgetStatus(): Promise<BudgetStatus> {
  return call("budget_status");
}

export function openUrl(url: string): Promise<void> {
  return call("open_url", { url });
}

export function revealRender(id: string): Promise<void> {
  return call("reveal_render", { id });
}

export function appQuit(): Promise<void> {
  return call("app_quit");
}

/** Calls `handler` when closing was held back because renders are in flight. */
export function onQuitRequested(handler: (inFlight: number) => void): Promise<() => void> {
  return listen<number>("quit-requested", (e) => handler(e.payload));
}

/** A past render's clip or last frame as a reference: its output URL while it works, else
 * the local copy uploaded to the storage. */
export function renderReference(
  id: string,
  which: "clip" | "frame",
  onProgress: UploadProgress = () => {},
): Promise<LocalReference> {
  return call("render_reference", { id, which, progress: progressChannel(onProgress) });
}

/** The frame of a render at `atS` seconds, uploaded to the storage, as a reference. */
export function frameReference(id: string, atS: number, onProgress: UploadProgress = () => {}): Promise<LocalReference> {
  return call("frame_reference", { id, atS, progress: progressChannel(onProgress) });
}

/** The project's cut as it stands: each shot's take, its trims and transition, placed. */
export function projectCut(project: string): Promise<CutView> {
  return call("project_cut", { project });
}

/** Sets where shot `index` starts and ends within its take (null: as it is). */
export function projectTrim(project: string, index: number, inS: number | null, outS: number | null): Promise<ProjectView> {
  return call("project_trim", { project, index, inS, outS });
}

/** Sets how shot `index` passes into the next (a crossfade of `seconds`, 1 when null). */
export function projectTransition(project: string, index: number, kind: TransitionKind, seconds: number | null): Promise<ProjectView> {
  return call("project_transition", { project, index, kind, seconds });
}

/** Assembles the cut into the Library; `onCutProgress` tells how far it is. */
export function projectAssemble(project: string): Promise<Assembly> {
  return call("project_assemble", { project });
}

/** Stops the assembly in progress: nothing is kept. */
export function projectAssembleCancel(): Promise<void> {
  return call("project_assemble_cancel");
}

/** Asks where (a native dialog) and writes the edit as OTIO, FCPXML and EDL; null when cancelled. */
export function projectExportEdit(project: string): Promise<EditExport | null> {
  return call("project_export_edit", { project });
}

/** How far the assembly in progress is. */
export function onCutProgress(handler: (p: AssemblyProgress) => void): Promise<() => void> {
  return listen<AssemblyProgress>("cut-progress", (e) => handler(e.payload));
}

/** Every project of the running mode, newest first. */
export function projectsList(): Promise<ProjectSummary[]> {
  return call("projects_list");
}

/** A project with its shots, their status and takes (`project`: its id or exact name). */
export function projectGet(project: string): Promise<ProjectView> {
  return call("project_get", { project });
}

/** Asks which storyboard to import (a native dialog) and imports it; null when cancelled. */
export function projectImport(): Promise<ProjectView | null> {
  return call("project_import");
}

/** What rendering every shot up to `takes` takes would cost, against the budget. */
export function projectEstimate(project: string, takes: number): Promise<ProjectEstimate> {
  return call("project_estimate", { project, takes });
}

/** Sets the project's credit budget (null: none of its own). */
export function projectBudget(project: string, credits: number | null): Promise<ProjectView> {
  return call("project_budget", { project, credits });
}

/** Renders the project (the first shot alone for a canary); `over_limit` past its budget,
 * `needs_confirmation` above the spend guard unless confirmed. */
export function projectRender(project: string, takes: number, canary: boolean, confirmedSpend: boolean): Promise<RenderStart> {
  return call("project_render", { project, takes, canary, confirmedSpend });
}

/** Sends nothing more for the project; what is in flight finishes. */
export function projectStop(project: string): Promise<ProjectView> {
  return call("project_stop", { project });
}

/** Picks the take shot `shot` (1 for the first) uses. */
export function projectSelect(project: string, shot: number, job: string): Promise<ProjectView> {
  return call("project_select", { project, shot, job });
}

/** A new project with no shots yet. */
export function projectNew(name: string): Promise<ProjectView> {
  return call("project_new", { name });
}

/** Adds a shot as number `index` (1 for the first; past the end appends). */
export function shotAdd(project: string, index: number, plan: ShotPlan): Promise<ProjectView> {
  return call("shot_add", { project, index, plan });
}

/** Replaces what shot `index` plans; every problem comes back at once. */
export function shotUpdate(project: string, index: number, plan: ShotPlan): Promise<ProjectView> {
  return call("shot_update", { project, index, plan });
}

/** Checks a shot as the composer edits it (as shot `index` of `project`); nothing is stored. */
export function shotCheck(project: string, index: number, plan: ShotPlan): Promise<DraftCheck> {
  return call("shot_check", { project, index, plan });
}

export function shotDuplicate(project: string, index: number): Promise<ProjectView> {
  return call("shot_duplicate", { project, index });
}

/** Moves shot `index` to `to`; the shot that ends up first stands alone. */
export function shotMove(project: string, index: number, to: number): Promise<ProjectView> {
  return call("shot_move", { project, index, to });
}

/** Removes a shot; its renders stay in the Library. */
export function shotDelete(project: string, index: number): Promise<ProjectView> {
  return call("shot_delete", { project, index });
}

/** Rates a take (1 to 5, or null) and rejects it or takes that back. */
export function takeJudge(project: string, job: string, rating: number | null, rejected: boolean): Promise<ProjectView> {
  return call("take_judge", { project, job, rating, rejected });
}
