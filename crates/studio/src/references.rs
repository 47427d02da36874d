//! Checking a reference URL before it goes into a request: it must be reachable, be an image
//! or a video by its content type, and (for videos) answer Range requests, which the service
//! needs to probe a clip's duration. Images come back with a small preview, since the app's
//! window may not load remote images itself.

use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;

use crate::outbound::Outbound;
use crate::preview::thumbnail_of;

/// The most of an image read for its preview.
const MAX_IMAGE_BYTES: usize = 30 * 1024 * 1024;

/// What a reference URL turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Probe {
    /// `image` or `video`.
    pub kind: String,
    pub content_type: String,
    /// For videos: whether the host answers Range requests.
    pub range_ok: Option<bool>,
    /// For images: a JPEG preview as a `data:` URL (at most 320 px wide).
    pub preview: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProbeError {
    #[error("{0}")]
    Refused(String),
    #[error("{url} could not be reached: {detail}")]
    Unreachable { url: String, detail: String },
}

/// Checks `url` under `policy` (https to a public host, or an origin the person chose),
/// at every redirect too.
pub async fn probe(url: &str, policy: &Outbound) -> Result<Probe, ProbeError> {
    policy.check_str(url).map_err(|refusal| {
        ProbeError::Refused(format!(
            "{refusal}. The service fetches references itself, so they must be public https URLs"
        ))
    })?;
    let unreachable = |detail: String| ProbeError::Unreachable {
        url: url.to_string(),
        detail,
    };
    let client = policy.client();
    let res = tokio::time::timeout(
        Duration::from_secs(15),
        client.get(url).header("Range", "bytes=0-").send(),
    )
    .await
    .map_err(|_| unreachable("no answer within 15 s".into()))?
    .map_err(|e| unreachable(crate::outbound::describe(&e)))?;
    let status = res.status();
    if !status.is_success() {
        return Err(unreachable(format!(
            "the host answered HTTP {}",
            status.as_u16()
        )));
    }
    let content_type = res
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if content_type.starts_with("video/") {
        let range_ok = status == reqwest::StatusCode::PARTIAL_CONTENT
            || res
                .headers()
                .get(reqwest::header::ACCEPT_RANGES)
                .is_some_and(|v| v.as_bytes() == b"bytes");
        return Ok(Probe {
            kind: "video".into(),
            content_type,
            range_ok: Some(range_ok),
            preview: None,
        });
    }
    if !content_type.starts_with("image/") {
        return Err(ProbeError::Refused(format!(
            "{url} is {}, not an image or a video",
            if content_type.is_empty() {
                "of no stated type".to_string()
            } else {
                content_type.clone()
            }
        )));
    }
    let mut body = Vec::new();
    let mut stream = res.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| unreachable(e.to_string()))?;
        if body.len() + chunk.len() > MAX_IMAGE_BYTES {
            return Err(ProbeError::Refused(format!(
                "{url} is larger than 30 MB; use a smaller image"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    // Decoding is CPU work, bounded by the preview's limits: off the async threads.
    let preview = tokio::task::spawn_blocking(move || thumbnail_of(&body))
        .await
        .ok()
        .and_then(Result::ok)
        .map(|t| format!("data:image/jpeg;base64,{}", base64(&t.jpeg)));
    Ok(Probe {
        kind: "image".into(),
        content_type,
        range_ok: None,
        preview,
    })
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_rfc_4648_says() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[tokio::test]
    async fn only_https_to_public_hosts_or_the_chosen_loopback_origin() {
        let sandbox_base = Outbound::new("http://127.0.0.1:4000", None);
        for url in [
            "ftp://example.com/a.png",
            "http://example.com/a.png",
            "http://127.0.0.1:9/a.png",
            "https://192.168.1.1/a.png",
            "not a url",
        ] {
            assert!(
                matches!(probe(url, &sandbox_base).await, Err(ProbeError::Refused(_))),
                "{url}"
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn images_get_a_preview_and_videos_a_range_check() {
        let sandbox = seedance_sandbox::Sandbox::start(seedance_sandbox::Config {
            render_time: seedance_sandbox::RenderTime::between_ms(10, 20),
            ..Default::default()
        })
        .await
        .unwrap();
        // A finished render's outputs are a JPEG and an MP4 served with Range support.
        let policy = Outbound::new(&sandbox.base_url(), None);
        let client = policy.client();
        let base = sandbox.base_url();
        let task: serde_json::Value = client
            .post(format!("{base}/api/v1/video/seedance2"))
            .bearer_auth(seedance_sandbox::DEFAULT_KEY)
            .header("Content-Type", "application/json")
            .body(r#"{"prompt":"a red kite"}"#)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .map(|b| serde_json::from_slice(&b).unwrap())
            .unwrap();
        let id = task["id"].as_str().unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let image = probe(&format!("{base}/outputs/{id}/last-frame.jpg"), &policy)
            .await
            .unwrap();
        assert_eq!(image.kind, "image");
        assert!(
            image
                .preview
                .unwrap()
                .starts_with("data:image/jpeg;base64,/9j/")
        );
        let video = probe(&format!("{base}/outputs/{id}/video.mp4"), &policy)
            .await
            .unwrap();
        assert_eq!((video.kind.as_str(), video.range_ok), ("video", Some(true)));
        let missing = probe(&format!("{base}/outputs/nope/video.mp4"), &policy).await;
        assert!(
            matches!(missing, Err(ProbeError::Unreachable { .. })),
            "{missing:?}"
        );
        sandbox.stop().await;
    }
}
