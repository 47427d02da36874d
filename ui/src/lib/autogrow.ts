// A text area that grows with what is typed (and with text put in by code, such as a
// remixed prompt), from its CSS min-height up to `max` pixels, then scrolls.
import type { Action } from "svelte/action";

export const autogrow: Action<HTMLTextAreaElement, { value: string; max: number }> = (node, initial) => {
  let max = initial.max;
  const fit = () => {
    node.style.height = "auto";
    node.style.height = `${Math.min(node.scrollHeight + 2, max)}px`;
  };
  node.addEventListener("input", fit);
  queueMicrotask(fit);
  return {
    update(next) {
      max = next.max;
      queueMicrotask(fit);
    },
    destroy() {
      node.removeEventListener("input", fit);
    },
  };
};
