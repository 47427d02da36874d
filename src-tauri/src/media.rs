//! What a dropped file is, from its first bytes (never from its name).

/// "image" or "video" when the bytes start like a format the service takes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\xFF\xD8\xFF") || starts(b"\x89PNG\r\n\x1a\n") {
        return Some("image");
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("image");
    }
    // MP4 and QuickTime: a `ftyp` box first.
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return Some("video");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn images_and_videos_by_their_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some("image"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image"));
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42rest"), Some("video"));
        assert_eq!(sniff(b"\0\0\0\x14ftypqt  rest"), Some("video"));
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert_eq!(sniff(b""), None);
    }
}
