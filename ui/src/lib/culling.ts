// Keyboard culling, one vocabulary wherever renders are judged (the Library's grid, a
// shot's takes, the compare view): arrows move, Space plays, 1–5 rate, X rejects, P picks,
// J/K/L scrub (a second back, pause, play), Enter opens, ? shows the keys. Keys typed into a
// field, with a modifier, or that end an input method's composition are not commands.

export type Cull =
  | { kind: "move"; by: number }
  | { kind: "play" }
  | { kind: "rate"; stars: number }
  | { kind: "reject" }
  | { kind: "pick" }
  | { kind: "open" }
  | { kind: "back" }
  | { kind: "pause" }
  | { kind: "forward" }
  | { kind: "sheet" };

export interface CullKey {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  isComposing: boolean;
  keyCode?: number;
  target?: EventTarget | null;
}

/** Whether `target` is where a person types (so its keys are text, not commands). */
function typing(target: EventTarget | null | undefined): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== "string") return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
  return el.tagName === "INPUT" && !["range", "checkbox", "button"].includes((el as HTMLInputElement).type);
}

/** What `event` asks of a grid `columns` wide; null when it is not a culling key. */
export function cullingKey(event: CullKey, columns: number): Cull | null {
  if (event.isComposing || event.keyCode === 229 || event.ctrlKey || event.metaKey || event.altKey) return null;
  if (typing(event.target)) return null;
  const key = event.key;
  switch (key) {
    case "ArrowLeft":
      return { kind: "move", by: -1 };
    case "ArrowRight":
      return { kind: "move", by: 1 };
    case "ArrowUp":
      return { kind: "move", by: -Math.max(1, columns) };
    case "ArrowDown":
      return { kind: "move", by: Math.max(1, columns) };
    case " ":
      return { kind: "play" };
    case "Enter":
      return { kind: "open" };
    case "?":
      return { kind: "sheet" };
  }
  if (/^[1-5]$/.test(key)) return { kind: "rate", stars: Number(key) };
  switch (key.toLowerCase()) {
    case "x":
      return { kind: "reject" };
    case "p":
      return { kind: "pick" };
    case "j":
      return { kind: "back" };
    case "k":
      return { kind: "pause" };
    case "l":
      return { kind: "forward" };
  }
  return null;
}

/** `index` moved `by`, kept within `count` items. */
export function moved(index: number, by: number, count: number): number {
  if (count <= 0) return 0;
  return Math.max(0, Math.min(count - 1, index + by));
}
