//! The layout of every view as a person sees it: no control outside the window or drawn
//! over another one (each control measured where it is visible, that is, clipped by the
//! boxes that scroll or hide what overflows them), at 1024×640 and 1920×1080; and at
//! 1440×900 the screenshots the README and `docs/screenshots/` show, made here so they stay
//! current (`UPDATE_SCREENSHOTS=1` writes them into the repository).

use std::path::Path;

use serde_json::{Value, json};

use crate::harness::Session;

/// Finds controls outside the viewport, and pairs of controls that overlap (neither inside
/// the other), measuring each control's visible part.
const OVERLAPS: &str = r#"
const controls = [...document.querySelectorAll(
  "button, input, select, textarea, video, summary, a[href], [role='radio'], [role='tab']")]
  .filter(el => !el.closest('[inert]') && !el.closest('.sr-only') && getComputedStyle(el).visibility !== 'hidden'
    && !(el.closest('details:not([open])') && el.tagName !== 'SUMMARY'));
function visible(el) {
  let r = el.getBoundingClientRect();
  let box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
  for (let p = el.parentElement; p; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
      const q = p.getBoundingClientRect();
      box = { l: Math.max(box.l, q.left), t: Math.max(box.t, q.top), r: Math.min(box.r, q.right), b: Math.min(box.b, q.bottom) };
    }
    if (s.position === 'fixed') break;
  }
  return box.r - box.l > 1 && box.b - box.t > 1 ? box : null;
}
function name(el) {
  return (el.dataset.testid || el.getAttribute('aria-label') || el.tagName.toLowerCase() + ':' + (el.textContent || '').trim().slice(0, 24));
}
// A drawer or dialog over the page: only what is in it counts (the rest is behind it).
const layers = [...document.querySelectorAll("[role='dialog'], [role='alertdialog']")];
const top = layers[layers.length - 1] || null;
const seen = controls.filter(el => !top || top.contains(el)).map(el => ({ el, box: visible(el) })).filter(c => c.box);
const W = window.innerWidth, H = window.innerHeight, problems = [];
for (const c of seen) {
  if (c.box.l < -0.5 || c.box.r > W + 0.5 || c.box.t < -0.5 || c.box.b > H + 0.5) problems.push('outside: ' + name(c.el));
}
for (let i = 0; i < seen.length; i++) for (let j = i + 1; j < seen.length; j++) {
  const a = seen[i], b = seen[j];
  if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
  // Drawn over a picture on purpose: a video's own controls, and a control marked as laid
  // over the one beside it (a tile's star, over the tile's picture corner).
  if (a.el.tagName === 'VIDEO' || b.el.tagName === 'VIDEO') continue;
  if ((b.el.dataset.overlay !== undefined && b.el.previousElementSibling === a.el)
    || (a.el.dataset.overlay !== undefined && a.el.previousElementSibling === b.el)) continue;
  const w = Math.min(a.box.r, b.box.r) - Math.max(a.box.l, b.box.l);
  const h = Math.min(a.box.b, b.box.b) - Math.max(a.box.t, b.box.t);
  if (w > 2 && h > 2) problems.push('overlap: ' + name(a.el) + ' × ' + name(b.el));
}
return problems;
"#;

/// What is wrong with the layout of the page as it is now (empty when nothing).
pub async fn layout_problems(s: &Session) -> Vec<String> {
    let found = s.client.execute(OVERLAPS, vec![]).await.unwrap();
    serde_json::from_value(found).unwrap()
}

/// Saves the window as `docs/screenshots/NAME.png` when `UPDATE_SCREENSHOTS` is set, and
/// checks either way that the repository has that screenshot, a PNG of the same size.
pub async fn docs_screenshot(s: &Session, name: &str, also: Option<&str>) {
    let fresh = std::fs::read(s.screenshot(&format!("docs-{name}")).await).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut targets = vec![root.join(format!("docs/screenshots/{name}.png"))];
    targets.extend(also.map(|a| root.join(a)));
    for target in targets {
        if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, &fresh).unwrap();
        }
        let kept = std::fs::read(&target).unwrap_or_else(|e| {
            panic!("{}: {e} (UPDATE_SCREENSHOTS=1 makes it)", target.display())
        });
        assert_eq!(
            png_size(&kept),
            png_size(&fresh),
            "{} is not the size the window shows now (UPDATE_SCREENSHOTS=1 remakes it)",
            target.display()
        );
    }
}

/// A PNG's width and height, from its header.
fn png_size(png: &[u8]) -> Value {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    json!([be(16), be(20)])
}
