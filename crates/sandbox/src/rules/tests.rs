//! One test per row of the request table, plus the combinations.

use super::*;
use serde_json::json;

fn ok(body: Value) -> Generation {
    check(body.to_string().as_bytes()).unwrap_or_else(|e| panic!("{body} refused: {e}"))
}

fn refused(body: Value, needle: &str) {
    let err = check(body.to_string().as_bytes()).expect_err(&format!("{body} was accepted"));
    assert!(
        err.contains(needle),
        "{body}: {err:?} does not mention {needle:?}"
    );
}

fn with(extra: Value) -> Value {
    let mut body = json!({"prompt": "A glass train crosses a snowy bridge"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

#[test]
fn defaults_fill_every_optional_field() {
    let g = ok(json!({"prompt": "abc"}));
    assert_eq!(
        (g.mode.as_str(), g.quality_tier.as_str(), g.channel.as_str()),
        ("text-to-video", "standard", "standard")
    );
    assert_eq!(
        (g.aspect_ratio.as_str(), g.duration, g.resolution.as_str()),
        ("16:9", 5, "720p")
    );
    assert!(g.generate_audio && !g.fixed_lens && g.seed.is_none());
}

#[test]
fn mode_row() {
    for m in MODES {
        let extra = match *m {
            "image-to-video" => json!({"mode": m, "image_url": "https://x.test/a.png"}),
            "media-to-video" => json!({"mode": m, "media_urls": ["https://x.test/a.mp4"]}),
            _ => json!({"mode": m}),
        };
        assert_eq!(ok(with(extra)).mode, *m);
    }
    refused(
        with(json!({"mode": "video-to-video"})),
        "mode must be one of",
    );
    refused(with(json!({"mode": 1})), "mode must be a string");
}

#[test]
fn quality_tier_row() {
    for t in TIERS {
        assert_eq!(ok(with(json!({"quality_tier": t}))).quality_tier, *t);
    }
    refused(
        with(json!({"quality_tier": "ultra"})),
        "quality_tier must be one of",
    );
}

#[test]
fn channel_row() {
    for c in CHANNELS {
        assert_eq!(ok(with(json!({"channel": c}))).channel, *c);
    }
    refused(
        with(json!({"channel": "Standard"})),
        "channel must be one of",
    );
}

#[test]
fn prompt_row_counts_unicode_characters() {
    refused(json!({}), "prompt is required");
    refused(json!({"prompt": 42}), "prompt must be a string");
    refused(
        json!({"prompt": "ab"}),
        "prompt must be 3–10000 characters (got 2)",
    );
    // Three Japanese characters are nine UTF-8 bytes but three characters.
    assert_eq!(ok(json!({"prompt": "雪の橋"})).prompt, "雪の橋");
    refused(json!({"prompt": "雪の"}), "got 2");
    ok(json!({"prompt": "あ".repeat(10_000)}));
    refused(json!({"prompt": "あ".repeat(10_001)}), "got 10001");
}

#[test]
fn aspect_ratio_row() {
    for a in ASPECT_RATIOS {
        assert_eq!(ok(with(json!({"aspect_ratio": a}))).aspect_ratio, *a);
    }
    refused(
        with(json!({"aspect_ratio": "2:1"})),
        "aspect_ratio must be one of",
    );
}

#[test]
fn duration_row_is_a_string_from_4_to_15() {
    for d in 4..=15 {
        assert_eq!(ok(with(json!({"duration": d.to_string()}))).duration, d);
    }
    refused(with(json!({"duration": 5})), "duration must be a string");
    for bad in ["3", "16", "05", "5.0", "five", ""] {
        refused(with(json!({"duration": bad})), "duration must be one of");
    }
}

#[test]
fn resolution_row_and_its_pro_only_values() {
    for r in RESOLUTIONS {
        assert_eq!(
            ok(with(json!({"resolution": r, "quality_tier": "pro"}))).resolution,
            *r
        );
    }
    ok(with(json!({"resolution": "1080p", "quality_tier": "mini"})));
    for r in ["1080p-plus", "4k"] {
        refused(
            with(json!({"resolution": r})),
            "only available with quality_tier pro",
        );
        refused(
            with(json!({"resolution": r, "quality_tier": "mini"})),
            "quality_tier pro",
        );
    }
    refused(
        with(json!({"resolution": "8k"})),
        "resolution must be one of",
    );
}

#[test]
fn image_url_row() {
    refused(
        json!({"prompt": "abc", "mode": "image-to-video"}),
        "image_url is required",
    );
    let g = ok(with(
        json!({"mode": "image-to-video", "image_url": "https://cdn.test/start.png"}),
    ));
    assert_eq!(g.image_url.as_deref(), Some("https://cdn.test/start.png"));
    refused(
        with(json!({"image_url": "http://cdn.test/a.png"})),
        "image_url must be a public https URL",
    );
    refused(
        with(json!({"image_url": "asset://123"})),
        "asset:// URLs are not supported",
    );
    refused(
        with(json!({"image_url": "ftp://cdn.test/a.png"})),
        "image_url",
    );
    refused(with(json!({"image_url": "not a url"})), "image_url");
    refused(
        with(json!({"image_url": null})),
        "image_url must be a URL string",
    );
}

#[test]
fn end_image_url_row() {
    let g = ok(with(json!({"end_image_url": "https://cdn.test/end.jpg"})));
    assert_eq!(g.end_image_url.as_deref(), Some("https://cdn.test/end.jpg"));
    refused(
        with(json!({"end_image_url": "http://example.com/e.jpg"})),
        "end_image_url",
    );
}

#[test]
fn media_urls_row() {
    refused(
        json!({"prompt": "abc", "mode": "media-to-video"}),
        "media_urls is required",
    );
    refused(
        with(json!({"mode": "media-to-video", "media_urls": []})),
        "media_urls is required",
    );
    let twelve: Vec<String> = (0..12)
        .map(|i| format!("https://cdn.test/{i}.mp4"))
        .collect();
    assert_eq!(
        ok(with(
            json!({"mode": "media-to-video", "media_urls": twelve})
        ))
        .media_urls
        .len(),
        12
    );
    let thirteen: Vec<String> = (0..13)
        .map(|i| format!("https://cdn.test/{i}.mp4"))
        .collect();
    refused(
        with(json!({"media_urls": thirteen})),
        "at most 12 URLs, got 13",
    );
    refused(
        with(json!({"media_urls": ["https://ok.test/a", "asset://x"]})),
        "media_urls[1]: asset://",
    );
    refused(
        with(json!({"media_urls": "https://a.test/x"})),
        "media_urls must be an array",
    );
    refused(
        with(json!({"media_urls": [7]})),
        "media_urls[0] must be a URL string",
    );
}

#[test]
fn loopback_http_references_are_allowed_for_local_storage() {
    for url in [
        "http://127.0.0.1:9000/b/a.png",
        "http://localhost/a.png",
        "http://[::1]:80/a",
    ] {
        ok(with(json!({"image_url": url})));
    }
    refused(
        with(json!({"image_url": "http://10.0.0.1/a.png"})),
        "public https URL",
    );
    refused(
        with(json!({"image_url": "http://127.0.0.1.evil.test/a.png"})),
        "public https URL",
    );
}

#[test]
fn generate_audio_and_fixed_lens_rows() {
    assert!(!ok(with(json!({"generate_audio": false}))).generate_audio);
    assert!(ok(with(json!({"fixed_lens": true}))).fixed_lens);
    refused(
        with(json!({"generate_audio": "yes"})),
        "generate_audio must be true or false",
    );
    refused(
        with(json!({"fixed_lens": 1})),
        "fixed_lens must be true or false",
    );
}

#[test]
fn seed_row_range_and_bans() {
    assert_eq!(ok(with(json!({"seed": -1}))).seed, Some(-1));
    assert_eq!(
        ok(with(json!({"seed": 4_294_967_295u64}))).seed,
        Some(4_294_967_295)
    );
    refused(
        with(json!({"seed": -2})),
        "seed must be an integer from -1 to 4294967295",
    );
    refused(
        with(json!({"seed": 4_294_967_296u64})),
        "seed must be an integer from -1",
    );
    refused(with(json!({"seed": 1.5})), "seed must be an integer");
    refused(with(json!({"seed": "7"})), "seed must be an integer");
    refused(
        with(json!({"seed": 7, "channel": "real"})),
        "not supported on the real channel",
    );
    refused(
        with(json!({"seed": 7, "quality_tier": "mini"})),
        "not supported on the mini quality tier",
    );
    ok(with(
        json!({"seed": 7, "channel": "wild", "quality_tier": "pro"}),
    ));
}

#[test]
fn unknown_fields_and_non_objects_are_refused() {
    refused(
        with(json!({"model": "seedance2"})),
        "Unsupported field: model",
    );
    for body in ["[]", "\"x\"", "{", ""] {
        assert!(
            check(body.as_bytes())
                .unwrap_err()
                .starts_with("Invalid request body")
        );
    }
}
