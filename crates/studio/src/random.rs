//! Unguessable values, from the operating system's CSPRNG (`getrandom`): Idempotency-Keys
//! (a guessed key could replay or block someone's paid request), the media server's token
//! (it guards the renders served on loopback), process tags. Job ids are UUIDv7s: ordered by
//! time, with their random part from the same source.

/// `n` random bytes from the OS; there is no fallback (a machine without a CSPRNG cannot
/// mint keys safely, and says so).
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).expect("the operating system's random number generator failed");
    out
}

/// 128 random bits as 32 lowercase hex digits.
pub fn hex128() -> String {
    hex(&bytes::<16>())
}

/// 256 random bits as 64 lowercase hex digits (tokens).
pub fn hex256() -> String {
    hex(&bytes::<32>())
}

/// Lower-case hex of `bytes` (checksums, keys, tokens).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A UUIDv7 for `now_ms` (ms since the epoch): its first 48 bits are the time, the rest
/// (but for the version and variant) random.
pub fn uuid_v7(now_ms: i64) -> uuid::Uuid {
    let ms = u64::try_from(now_ms).unwrap_or(0);
    let mut b = bytes::<16>();
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    uuid::Builder::from_unix_timestamp_millis(ms, &b[6..16].try_into().expect("10 bytes"))
        .into_uuid()
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_fresh_and_shaped() {
        let (a, b) = (hex128(), hex128());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(hex256().len(), 64);
    }

    #[test]
    fn uuids_are_version_7_ordered_by_time() {
        let early = uuid_v7(1_780_000_000_000);
        let late = uuid_v7(1_780_000_000_001);
        assert_eq!(early.get_version_num(), 7);
        assert!(early < late);
        assert_ne!(uuid_v7(5), uuid_v7(5), "the random part differs");
        let (secs, _) = early.get_timestamp().unwrap().to_unix();
        assert_eq!(secs, 1_780_000_000);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
    }
}
