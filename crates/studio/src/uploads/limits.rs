//! The limits the upstream provider documents, as warnings beside a reference.

use crate::content::Kind;

/// What the upstream provider documents for this model family (images JPEG/PNG/WebP,
/// 300–6000 px a side, aspect 0.4–2.5, under 30 MB; videos MP4/MOV under 50 MB). The
/// vendor's page does not state them, so they are warnings, not refusals.
pub fn limit_warnings(bytes: &[u8]) -> Vec<String> {
    let mut warnings = Vec::new();
    let mb = bytes.len() as f64 / (1024.0 * 1024.0);
    match Kind::sniff(bytes) {
        Some(kind) if kind.is_video() && mb >= 50.0 => {
            warnings.push(format!(
                "The video is {mb:.1} MB; the provider documents up to 50 MB."
            ));
        }
        Some(kind) if kind.is_video() => {}
        Some(_) => {
            if mb >= 30.0 {
                warnings.push(format!(
                    "The image is {mb:.1} MB; the provider documents up to 30 MB."
                ));
            }
            if let Ok(size) = image::ImageReader::new(std::io::Cursor::new(bytes))
                .with_guessed_format()
                .map_err(|_| ())
                .and_then(|r| r.into_dimensions().map_err(|_| ()))
            {
                let (w, h) = size;
                if w.min(h) < 300 || w.max(h) > 6000 {
                    warnings.push(format!(
                        "The image is {w}×{h} px; the provider documents 300 to 6000 px a side."
                    ));
                }
                let ratio = f64::from(w) / f64::from(h.max(1));
                if !(0.4..=2.5).contains(&ratio) {
                    warnings.push(format!(
                        "The image's aspect ratio is {ratio:.2}; the provider documents 0.4 to 2.5."
                    ));
                }
            }
        }
        None => {}
    }
    warnings
}

#[cfg(test)]
mod limit_tests {
    use super::limit_warnings;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::new(w, h);
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn documented_limits_are_warnings() {
        assert!(limit_warnings(&png(640, 480)).is_empty());
        let small = limit_warnings(&png(100, 100));
        assert_eq!(small.len(), 1, "{small:?}");
        assert!(small[0].contains("100×100"));
        let wide = limit_warnings(&png(1500, 300));
        assert!(
            wide.iter().any(|w| w.contains("aspect ratio is 5.00")),
            "{wide:?}"
        );
    }
}
