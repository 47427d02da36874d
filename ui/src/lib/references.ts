// What people drop or paste onto a reference zone, turned into URLs: links and images
// dragged from a web browser (uri-list, HTML, plain text), text from the clipboard. Files
// from the file manager are handled apart (their bytes go to the app core).

/** The data a drop or paste carries, by type, as strings. */
export type Carried = Partial<Record<"text/uri-list" | "text/html" | "text/plain", string>>;

function urlsIn(text: string): string[] {
  return text
    .split(/\s+/)
    .map((s) => s.trim())
    .filter((s) => /^https?:\/\/\S+$/i.test(s));
}

/**
 * The URLs a drop or paste offers, best first, without duplicates: an image dragged from a
 * page brings its `src` (in the HTML) and often the page link too; the image wins.
 */
export function droppedUrls(carried: Carried): string[] {
  const found: string[] = [];
  const html = carried["text/html"];
  if (html) {
    for (const m of html.matchAll(/<img[^>]+src=["']([^"']+)["']/gi)) found.push(decodeEntities(m[1]));
  }
  const list = carried["text/uri-list"];
  if (list) {
    for (const line of list.split(/\r?\n/)) {
      if (line && !line.startsWith("#")) found.push(...urlsIn(line));
    }
  }
  const plain = carried["text/plain"];
  if (plain) found.push(...urlsIn(plain));
  return [...new Set(found)];
}

/**
 * Local files a drop names by `file://` URL (WebKitGTK hands over files dragged from another
 * application this way, in the HTML it carries, rather than as File objects).
 */
export function droppedFileUrls(carried: Carried): string[] {
  const found: string[] = [];
  for (const text of [carried["text/html"], carried["text/uri-list"], carried["text/plain"]]) {
    if (!text) continue;
    for (const m of text.matchAll(/file:\/\/[^\s"'<>]+/gi)) found.push(decodeEntities(m[0]));
  }
  return [...new Set(found)];
}

function decodeEntities(s: string): string {
  return s.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}

/** Moves the item at `from` to `to` (drag to reorder). */
export function moved<T>(items: T[], from: number, to: number): T[] {
  if (from === to || from < 0 || from >= items.length) return items;
  const out = [...items];
  const [item] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(to, out.length)), 0, item);
  return out;
}
