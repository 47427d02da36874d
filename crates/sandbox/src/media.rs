//! Sample outputs: a real, playable H.264/AAC MP4 per aspect ratio and a JPEG of its last
//! frame (generated once by `assets/make-assets.sh` and committed), which stand in when the
//! media engine cannot make a clip of the asked shape (`clips`); and any delivered video
//! optionally padded to a requested size with an ISO `free` box so download benchmarks get
//! big files that stay valid MP4s. Bodies are produced in chunks, so a 500 MB file costs no
//! memory.

use bytes::Bytes;

/// The sample video and its last frame for an aspect ratio (`adaptive` renders as 16:9).
pub fn sample(aspect_ratio: &str) -> (&'static [u8], &'static [u8]) {
    match aspect_ratio {
        "1:1" => (
            include_bytes!("../assets/sample-1x1.mp4"),
            include_bytes!("../assets/sample-1x1.jpg"),
        ),
        "21:9" => (
            include_bytes!("../assets/sample-21x9.mp4"),
            include_bytes!("../assets/sample-21x9.jpg"),
        ),
        "4:3" => (
            include_bytes!("../assets/sample-4x3.mp4"),
            include_bytes!("../assets/sample-4x3.jpg"),
        ),
        "3:4" => (
            include_bytes!("../assets/sample-3x4.mp4"),
            include_bytes!("../assets/sample-3x4.jpg"),
        ),
        "9:16" => (
            include_bytes!("../assets/sample-9x16.mp4"),
            include_bytes!("../assets/sample-9x16.jpg"),
        ),
        _ => (
            include_bytes!("../assets/sample-16x9.mp4"),
            include_bytes!("../assets/sample-16x9.jpg"),
        ),
    }
}

/// A file made of real bytes followed by an optional `free` box of zeros.
#[derive(Debug, Clone)]
pub struct VirtualFile {
    head: Bytes,
    /// The `free` box header, when padded.
    free_header: Option<([u8; 16], usize)>,
    len: u64,
}

impl VirtualFile {
    pub fn plain(bytes: Bytes) -> Self {
        Self {
            len: bytes.len() as u64,
            head: bytes,
            free_header: None,
        }
    }

    /// `mp4` padded to `target` bytes when that leaves room for a `free` box; otherwise
    /// the MP4 as it is.
    pub fn padded_mp4(mp4: Bytes, target: Option<u64>) -> Self {
        let base = mp4.len() as u64;
        let Some(target) = target.filter(|t| *t >= base + 8) else {
            return Self::plain(mp4);
        };
        let size = target - base;
        let mut header = [0u8; 16];
        let header_len = if size <= u64::from(u32::MAX) {
            header[..4].copy_from_slice(&(size as u32).to_be_bytes());
            header[4..8].copy_from_slice(b"free");
            8
        } else {
            // 64-bit box size: size field 1, then the real size after the type.
            header[..4].copy_from_slice(&1u32.to_be_bytes());
            header[4..8].copy_from_slice(b"free");
            header[8..16].copy_from_slice(&size.to_be_bytes());
            16
        };
        Self {
            head: mp4,
            free_header: Some((header, header_len)),
            len: target,
        }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    /// The bytes in `[start, end)` as chunks of at most `chunk` bytes.
    pub fn chunks(self, start: u64, end: u64, chunk: usize) -> impl Iterator<Item = Bytes> {
        let mut pos = start;
        std::iter::from_fn(move || {
            if pos >= end {
                return None;
            }
            let n = (end - pos).min(chunk as u64);
            let out = self.read(pos, n as usize);
            pos += n;
            Some(out)
        })
    }

    fn read(&self, pos: u64, n: usize) -> Bytes {
        let head_len = self.head.len() as u64;
        let mut out = Vec::with_capacity(n);
        let mut p = pos;
        while out.len() < n {
            let want = n - out.len();
            if p < head_len {
                let s = p as usize;
                let take = want.min(self.head.len() - s);
                out.extend_from_slice(&self.head[s..s + take]);
                p += take as u64;
            } else if let Some((header, header_len)) = self.free_header
                && p < head_len + header_len as u64
            {
                let s = (p - head_len) as usize;
                let take = want.min(header_len - s);
                out.extend_from_slice(&header[s..s + take]);
                p += take as u64;
            } else {
                out.resize(n, 0);
            }
        }
        Bytes::from(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(f: VirtualFile, start: u64, end: u64) -> Vec<u8> {
        f.chunks(start, end, 7).flat_map(|b| b.to_vec()).collect()
    }

    #[test]
    fn samples_are_mp4_and_jpeg() {
        for ar in ["1:1", "21:9", "4:3", "3:4", "16:9", "9:16", "adaptive"] {
            let (mp4, jpg) = sample(ar);
            assert_eq!(&mp4[4..8], b"ftyp", "{ar}");
            assert_eq!(&jpg[..3], b"\xFF\xD8\xFF", "{ar}");
        }
    }

    #[test]
    fn padding_appends_a_free_box_of_the_exact_size() {
        let (mp4, _) = sample("16:9");
        let f = VirtualFile::padded_mp4(Bytes::from_static(mp4), Some(mp4.len() as u64 + 1000));
        assert_eq!(f.len(), mp4.len() as u64 + 1000);
        let bytes = collect(f.clone(), 0, f.len());
        assert_eq!(&bytes[..mp4.len()], mp4);
        let tail = &bytes[mp4.len()..];
        assert_eq!(u32::from_be_bytes(tail[..4].try_into().unwrap()), 1000);
        assert_eq!(&tail[4..8], b"free");
        assert!(tail[8..].iter().all(|b| *b == 0));
        // Any slice reads the same as the whole.
        assert_eq!(
            collect(f, 10, mp4.len() as u64 + 20),
            bytes[10..mp4.len() + 20]
        );
    }

    #[test]
    fn huge_padding_uses_a_64_bit_box() {
        let (mp4, _) = sample("1:1");
        let target = 5 * 1024 * 1024 * 1024;
        let f = VirtualFile::padded_mp4(Bytes::from_static(mp4), Some(target));
        let header = collect(f, mp4.len() as u64, mp4.len() as u64 + 16);
        assert_eq!(&header[..8], b"\0\0\0\x01free");
        assert_eq!(
            u64::from_be_bytes(header[8..].try_into().unwrap()),
            target - mp4.len() as u64
        );
    }

    #[test]
    fn too_small_a_target_leaves_the_file_alone() {
        let (mp4, _) = sample("1:1");
        assert_eq!(
            VirtualFile::padded_mp4(Bytes::from_static(mp4), Some(10)).len(),
            mp4.len() as u64
        );
    }
}
