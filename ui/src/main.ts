import { mount } from "svelte";
import App from "./App.svelte";
import { draft, draftHasWork, keepDraftSaved, restoreDraft, savedDraft } from "./lib/composer.svelte";
import { shotEdit } from "./lib/shotEdit.svelte";
import { draftLoad, draftSave } from "./lib/ipc";
import "./app.css";

// Marks for the startup benchmark: when the UI's script runs, when the first view is on the
// page, and when the first frame with it begins (after its first style and layout).
performance.mark("ui-script");
const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");
export default mount(App, { target });
performance.mark("ui-mounted");
requestAnimationFrame(() => performance.mark("ui-first-frame"));

// The draft kept in the engine's store comes back (after the page was reloaded, or the app
// restarted) unless a new one was begun meanwhile; from then on every change is saved.
let warned = false;
draftLoad()
  .then(
    (kept) => {
      if (!draftHasWork(draft)) restoreDraft(draft, kept);
    },
    () => {},
  )
  .finally(() =>
    keepDraftSaved(
      draftSave,
      (message) => {
        if (!warned) console.warn(`The draft could not be saved: ${message}`);
        warned = true;
      },
      // While a project's shot is in the composer, the person's own draft stays the kept one.
      () => shotEdit.current?.kept ?? savedDraft(draft),
    ),
  );
