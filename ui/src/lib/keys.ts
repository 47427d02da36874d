// Keyboard shortcuts that must not fire while an input method (Japanese, Chinese, …) is
// composing: the Enter that confirms a conversion is not a command.

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  isComposing: boolean;
  keyCode?: number;
}

/** Ctrl/⌘+Enter, unless it only ends an input method's composition. */
export function isSubmitShortcut(event: KeyLike): boolean {
  // WebKit reports keyCode 229 for the key press that ends a composition.
  if (event.isComposing || event.keyCode === 229) return false;
  return event.key === "Enter" && (event.ctrlKey || event.metaKey);
}
