// Keyboard focus for drawers, dialogs and confirmations. When one opens, focus moves into
// it; Escape closes the one opened last (an inner confirmation before the drawer around
// it); drawers and dialogs keep Tab and Shift+Tab inside them; when one closes, focus goes
// back to where it was. Which element Tab reaches is plain logic, kept apart from the DOM
// so it can be tested without a browser.
import type { Action } from "svelte/action";

/** What the tab order needs to know about one element. */
export interface TabCandidate {
  tabIndex: number;
  disabled: boolean;
  /** Inside an `inert` subtree, or not rendered (display: none, visibility: hidden). */
  unreachable: boolean;
}

/** Whether Tab can reach the element at all. */
export function isTabbable(candidate: TabCandidate): boolean {
  return candidate.tabIndex >= 0 && !candidate.disabled && !candidate.unreachable;
}

/**
 * The tab order of `items` (given in document order): positive tab indexes first, by
 * value, then the rest in document order; elements Tab cannot reach are left out.
 */
export function tabOrder<T extends TabCandidate>(items: readonly T[]): T[] {
  const reachable = items.filter(isTabbable);
  const positive = reachable.filter((c) => c.tabIndex > 0).sort((a, b) => a.tabIndex - b.tabIndex);
  return [...positive, ...reachable.filter((c) => c.tabIndex === 0)];
}

/**
 * Where Tab (or Shift+Tab when `backwards`) goes from `current` inside a trap: the next in
 * `order`, wrapping from the last to the first and back; the first (or last) when focus is
 * not on any of them; null when nothing in the trap can take focus.
 */
export function nextInOrder<T>(order: readonly T[], current: T | null, backwards: boolean): T | null {
  if (order.length === 0) return null;
  const index = current === null ? -1 : order.indexOf(current);
  if (index === -1) return backwards ? order[order.length - 1] : order[0];
  const step = backwards ? order.length - 1 : 1;
  return order[(index + step) % order.length];
}

export interface FocusTrapOptions {
  /** Called on Escape while this is the layer opened last. */
  onEscape: () => void;
  /** A selector inside the element for the control that takes focus when it opens;
   * without one (or when it matches nothing), the first control does. */
  initial?: string;
  /** Keep Tab and Shift+Tab inside (drawers and dialogs, not inline confirmations). */
  trap?: boolean;
  /** Scroll the whole element into view when it opens (inline confirmations). */
  reveal?: boolean;
  /** Where focus goes on close when the element that had it before is gone. */
  returnTo?: () => HTMLElement | null;
}

interface Layer {
  node: HTMLElement;
  options: FocusTrapOptions;
}

const CANDIDATES =
  'a[href], button, input:not([type="hidden"]), select, textarea, summary, video[controls], audio[controls], [tabindex], [contenteditable="true"]';

/** Whether `el` is folded away in a closed `<details>` (its own summary is not). WebKitGTK
 * still lays such content out, so its size does not tell. */
function folded(el: HTMLElement): boolean {
  const closed = el.closest("details:not([open])");
  return closed !== null && !(el.tagName === "SUMMARY" && el.parentElement === closed);
}

/** The elements inside `root` that Tab reaches, in tab order. */
function tabbables(root: HTMLElement): HTMLElement[] {
  const found = [...root.querySelectorAll<HTMLElement>(CANDIDATES)].map((el) => ({
    el,
    tabIndex: el.tabIndex,
    disabled: el.matches(":disabled"),
    unreachable:
      el.closest("[inert]") !== null || folded(el) || el.getClientRects().length === 0 || getComputedStyle(el).visibility === "hidden",
  }));
  return tabOrder(found).map((c) => c.el);
}

// Open layers, the one opened last at the end.
const layers: Layer[] = [];

function onKeydown(event: KeyboardEvent) {
  if (event.isComposing || event.defaultPrevented) return;
  if (event.key === "Escape") {
    const top = layers[layers.length - 1];
    if (!top) return;
    event.preventDefault();
    top.options.onEscape();
  } else if (event.key === "Tab" && !event.ctrlKey && !event.altKey && !event.metaKey) {
    const trap = [...layers].reverse().find((layer) => layer.options.trap);
    if (!trap) return;
    event.preventDefault();
    const order = tabbables(trap.node);
    const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    (nextInOrder(order, active, event.shiftKey) ?? trap.node).focus();
  }
}

function focusInitial(node: HTMLElement, options: FocusTrapOptions) {
  const wanted = options.initial ? node.querySelector<HTMLElement>(options.initial) : null;
  const target = wanted ?? tabbables(node)[0] ?? node;
  if (target === node && !node.hasAttribute("tabindex")) node.tabIndex = -1;
  if (options.reveal) {
    node.scrollIntoView({ block: "nearest" });
    target.focus({ preventScroll: true });
  } else {
    target.focus();
  }
}

/** `use:focusTrap={{ onEscape, initial, trap, reveal, returnTo }}` on a drawer, dialog or
 * confirmation that is in the DOM exactly while it is open. */
export const focusTrap: Action<HTMLElement, FocusTrapOptions> = (node, initialOptions) => {
  const layer: Layer = { node, options: initialOptions };
  const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  if (layers.length === 0) document.addEventListener("keydown", onKeydown);
  layers.push(layer);
  focusInitial(node, layer.options);

  return {
    update(next: FocusTrapOptions) {
      layer.options = next;
    },
    destroy() {
      const index = layers.indexOf(layer);
      if (index !== -1) layers.splice(index, 1);
      if (layers.length === 0) document.removeEventListener("keydown", onKeydown);
      const returnTo = layer.options.returnTo;
      // After this update has run: what was behind may only now stop being inert.
      setTimeout(() => {
        const active = document.activeElement;
        // Focus went somewhere on purpose meanwhile: leave it there.
        if (active && active !== document.body && active.isConnected && !node.contains(active)) return;
        const target = before && before !== document.body && before.isConnected ? before : (returnTo?.() ?? null);
        target?.focus({ preventScroll: true });
      }, 0);
    },
  };
};
