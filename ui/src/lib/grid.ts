// The library's virtual grid: only the rows in view (and a few around them) are in the
// page, so 100,000 renders cost the same DOM as 100.

export interface GridWindow {
  columns: number;
  /** Items to render: [start, end). */
  start: number;
  end: number;
  /** Where the first rendered row sits, in px from the top of the grid. */
  offsetTop: number;
  /** The height of the whole grid, in px. */
  totalHeight: number;
}

/** Which items a grid of `count` cells shows at `scrollTop`. */
export function gridWindow(
  count: number,
  scrollTop: number,
  viewport: { width: number; height: number },
  cell: { width: number; height: number },
  overscanRows = 2,
): GridWindow {
  const columns = Math.max(1, Math.floor(viewport.width / cell.width));
  const rows = Math.ceil(count / columns);
  const firstRow = Math.max(0, Math.floor(scrollTop / cell.height) - overscanRows);
  const visibleRows = Math.ceil(viewport.height / cell.height) + 2 * overscanRows + 1;
  const lastRow = Math.min(rows, firstRow + visibleRows);
  return {
    columns,
    start: Math.min(count, firstRow * columns),
    end: Math.min(count, lastRow * columns),
    offsetTop: firstRow * cell.height,
    totalHeight: rows * cell.height,
  };
}
