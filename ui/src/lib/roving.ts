// One Tab stop for a group of choices, and the arrow keys between them (the ARIA radio
// group pattern): which choice a key moves to, skipping the ones that cannot be chosen.

/** The index `key` moves to from `from` among choices (`disabled[i]` cannot be chosen), or
 * null when the key is not one that moves. Arrows wrap around; Home and End go to the ends. */
export function nextChoice(from: number, key: string, disabled: readonly boolean[]): number | null {
  const n = disabled.length;
  if (n === 0) return null;
  const open = (i: number) => !disabled[i];
  const walk = (start: number, step: 1 | -1): number | null => {
    for (let k = 0, i = start; k < n; k++, i = (i + step + n) % n) if (open(i)) return i;
    return null;
  };
  switch (key) {
    case "ArrowRight":
    case "ArrowDown":
      return walk((from + 1) % n, 1);
    case "ArrowLeft":
    case "ArrowUp":
      return walk((from - 1 + n) % n, -1);
    case "Home":
      return walk(0, 1);
    case "End":
      return walk(n - 1, -1);
    default:
      return null;
  }
}

/** The choice that holds the group's one Tab stop: the chosen one, else the first open. */
export function tabStop(chosen: number, disabled: readonly boolean[]): number {
  if (chosen >= 0 && !disabled[chosen]) return chosen;
  const first = disabled.findIndex((d) => !d);
  return first < 0 ? 0 : first;
}

/** One choice of a setting, as a picker shows it. */
export interface Choice<V extends string> {
  value: V;
  label: string;
  about: string;
  /** What the draft costs with this choice, when known. */
  price?: string | null;
  /** Why it cannot be chosen now (it is then skipped). */
  reason?: string | null;
}

