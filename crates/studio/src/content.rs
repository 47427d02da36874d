//! What a file is, from its first bytes: the one content sniffer for uploads (what a
//! dropped file may be sent as) and downloads (what an output must be before it is kept).
//! Names and extensions lie; magic numbers do not.

/// A kind of media file the service takes or makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    /// An ISO base media file (MP4).
    Mp4,
    /// An ISO base media file with QuickTime's brand (MOV).
    QuickTime,
}

impl Kind {
    /// Recognises a file by its first bytes (12 are enough).
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(b"\xFF\xD8\xFF") {
            Some(Self::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
            if head.get(8..10) == Some(b"qt") {
                Some(Self::QuickTime)
            } else {
                Some(Self::Mp4)
            }
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Mp4 => "video/mp4",
            Self::QuickTime => "video/quicktime",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Mp4 => "mp4",
            Self::QuickTime => "mov",
        }
    }

    pub fn is_video(self) -> bool {
        matches!(self, Self::Mp4 | Self::QuickTime)
    }

    /// The kind a download keeps it as: a QuickTime-branded file is the same ISO media
    /// file as an MP4 and is saved as one.
    pub fn saved_as(self) -> Self {
        match self {
            Self::QuickTime => Self::Mp4,
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn files_are_known_by_their_first_bytes() {
        assert_eq!(Kind::sniff(b"\xFF\xD8\xFF\xE0"), Some(Kind::Jpeg));
        assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n"), Some(Kind::Png));
        assert_eq!(Kind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Kind::Webp));
        assert_eq!(Kind::sniff(b"\0\0\0\x20ftypisom"), Some(Kind::Mp4));
        assert_eq!(Kind::sniff(b"\0\0\0\x18ftypmp42"), Some(Kind::Mp4));
        let mov = Kind::sniff(b"\0\0\0\x14ftypqt  ").unwrap();
        assert_eq!(
            (mov, mov.content_type()),
            (Kind::QuickTime, "video/quicktime")
        );
        assert_eq!(mov.saved_as(), Kind::Mp4);
        assert_eq!(Kind::sniff(b"<html>"), None);
        assert_eq!(Kind::sniff(b"%PDF"), None);
        assert_eq!(Kind::sniff(b"RIFF"), None, "too short to tell");
    }
}
