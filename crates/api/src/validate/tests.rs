use super::*;
use crate::types::{ClipDuration, Resolution};
use proptest::prelude::*;

fn fields(req: &GenerationRequest, loopback: bool) -> Vec<String> {
    validate(req, loopback)
        .unwrap_err()
        .into_iter()
        .map(|p| p.field)
        .collect()
}

#[test]
fn a_plain_request_passes_and_its_body_omits_defaults() {
    let prepared = validate(&GenerationRequest::text("雪の橋"), false).unwrap();
    assert_eq!(prepared.body, r#"{"prompt":"雪の橋"}"#.as_bytes());
}

#[test]
fn every_problem_is_reported_at_once() {
    let req = GenerationRequest {
        mode: Mode::MediaToVideo,
        quality_tier: QualityTier::Mini,
        channel: Channel::Real,
        resolution: Resolution::K4,
        seed: Some(5_000_000_000),
        image_url: Some("asset://abc".into()),
        end_image_url: Some("http://cdn.test/e.png".into()),
        ..GenerationRequest::text("hi")
    };
    assert_eq!(
        fields(&req, false),
        [
            "prompt",
            "resolution",
            "seed",
            "seed",
            "seed",
            "image_url",
            "end_image_url",
            "media_urls"
        ]
    );
}

#[test]
fn prompt_length_counts_unicode_characters() {
    assert!(validate(&GenerationRequest::text("雪の橋"), false).is_ok());
    let err = validate(&GenerationRequest::text("雪の"), false).unwrap_err();
    assert_eq!(
        err[0].to_string(),
        "prompt: must be 3–10000 characters; it has 2"
    );
    assert!(validate(&GenerationRequest::text("あ".repeat(10_000)), false).is_ok());
    assert!(validate(&GenerationRequest::text("あ".repeat(10_001)), false).is_err());
}

#[test]
fn mode_specific_references() {
    let i2v = GenerationRequest {
        mode: Mode::ImageToVideo,
        ..GenerationRequest::text("abc")
    };
    assert_eq!(fields(&i2v, false), ["image_url"]);
    let ok = GenerationRequest {
        image_url: Some("https://cdn.test/a.png".into()),
        ..i2v
    };
    assert!(validate(&ok, false).is_ok());
    let many = GenerationRequest {
        mode: Mode::MediaToVideo,
        media_urls: (0..13)
            .map(|i| format!("https://cdn.test/{i}.mp4"))
            .collect(),
        ..GenerationRequest::text("abc")
    };
    assert_eq!(fields(&many, false), ["media_urls"]);
}

#[test]
fn http_references_only_to_loopback_while_the_base_is_loopback() {
    let req = GenerationRequest {
        image_url: Some("http://127.0.0.1:9000/b/a.png".into()),
        ..GenerationRequest::text("abc")
    };
    assert!(validate(&req, true).is_ok());
    assert_eq!(fields(&req, false), ["image_url"]);
    let remote = GenerationRequest {
        image_url: Some("http://cdn.test/a.png".into()),
        ..req
    };
    assert_eq!(fields(&remote, true), ["image_url"]);
}

#[test]
fn seed_bans() {
    for (tier, channel) in [
        (QualityTier::Mini, Channel::Standard),
        (QualityTier::Standard, Channel::Real),
    ] {
        let req = GenerationRequest {
            quality_tier: tier,
            channel,
            seed: Some(1),
            ..GenerationRequest::text("abc")
        };
        assert_eq!(fields(&req, false), ["seed"]);
    }
    let ok = GenerationRequest {
        channel: Channel::Wild,
        seed: Some(-1),
        ..GenerationRequest::text("abc")
    };
    assert!(validate(&ok, false).is_ok());
}

fn arb_request() -> impl Strategy<Value = GenerationRequest> {
    (
        (0usize..3, 0usize..3, 0usize..3, 0usize..7, 0usize..4),
        4u8..=15,
        "\\PC{0,20}",
        proptest::option::of(-3i64..5_000_000_000),
        proptest::option::of(prop_oneof![
            Just("https://a.test/x.png"),
            Just("http://a.test/x"),
            Just("asset://1"),
            Just("nope")
        ]),
        proptest::collection::vec(Just("https://a.test/m.mp4".to_string()), 0..15),
    )
        .prop_map(
            |((m, t, c, a, r), d, prompt, seed, image, media)| GenerationRequest {
                mode: Mode::ALL[m],
                quality_tier: QualityTier::ALL[t],
                channel: Channel::ALL[c],
                aspect_ratio: crate::types::AspectRatio::ALL[a],
                resolution: Resolution::ALL[r],
                duration: ClipDuration::new(d).unwrap(),
                prompt,
                seed,
                image_url: image.map(str::to_string),
                media_urls: media,
                ..GenerationRequest::text("")
            },
        )
}

proptest! {
    /// The validator agrees with the rules, stated independently here.
    #[test]
    fn validation_matches_the_rules(req in arb_request()) {
        let chars = req.prompt.chars().count();
        let url_ok = |u: &Option<String>| u.as_deref().is_none_or(|u| u.starts_with("https://"));
        let expected_ok = (3..=10_000).contains(&chars)
            && !(req.resolution.needs_pro() && req.quality_tier != QualityTier::Pro)
            && req.seed.is_none_or(|s| (-1..=4_294_967_295).contains(&s)
                && req.channel != Channel::Real && req.quality_tier != QualityTier::Mini)
            && url_ok(&req.image_url)
            && !(req.mode == Mode::ImageToVideo && req.image_url.is_none())
            && !(req.mode == Mode::MediaToVideo && req.media_urls.is_empty())
            && req.media_urls.len() <= 12;
        match validate(&req, false) {
            Ok(prepared) => {
                prop_assert!(expected_ok);
                let back: GenerationRequest = serde_json::from_slice(&prepared.body).unwrap();
                prop_assert_eq!(back, req);
            }
            Err(problems) => {
                prop_assert!(!expected_ok);
                prop_assert!(!problems.is_empty());
                prop_assert!(problems.iter().all(|p| !p.field.is_empty() && !p.message.is_empty()));
            }
        }
    }
}

#[test]
fn every_rule_says_which_it_is_with_the_values_its_message_names() {
    let mut req = GenerationRequest::text("hi");
    req.resolution = Resolution::K4;
    req.channel = Channel::Real;
    req.seed = Some(-5);
    req.mode = Mode::MediaToVideo;
    req.end_image_url = Some("ftp://example.com/a.png".into());
    let problems = validate(&req, false).unwrap_err();
    let code_of = |field: &str| -> Vec<ProblemCode> {
        problems
            .iter()
            .filter(|p| p.field == field)
            .filter_map(|p| p.code)
            .collect()
    };
    assert_eq!(code_of("prompt"), [ProblemCode::PromptLength]);
    assert_eq!(code_of("resolution"), [ProblemCode::ResolutionNeedsPro]);
    assert_eq!(
        code_of("seed"),
        [ProblemCode::SeedRange, ProblemCode::SeedNotOnReal]
    );
    assert_eq!(code_of("media_urls"), [ProblemCode::MediaRequired]);
    assert_eq!(code_of("end_image_url"), [ProblemCode::NotHttps]);
    let prompt = problems.iter().find(|p| p.field == "prompt").unwrap();
    assert_eq!(prompt.params.get("chars").map(String::as_str), Some("2"));
    assert_eq!(prompt.params.get("min").map(String::as_str), Some("3"));
    let seed = problems
        .iter()
        .find(|p| p.code == Some(ProblemCode::SeedRange))
        .unwrap();
    assert_eq!(seed.params.get("seed").map(String::as_str), Some("-5"));
    // Every problem of the request table has a code.
    assert!(problems.iter().all(|p| p.code.is_some()), "{problems:?}");
}

/// The UI says a problem by its code, with its values; its English words must say what
/// the core's message says.
#[test]
fn the_pages_english_problems_are_the_cores() {
    let words = include_str!("../../../../ui/src/lib/locales/problems.ts");
    let english_for = |code: ProblemCode| -> String {
        let name = serde_json::to_value(code).unwrap();
        let key = format!("\"problem.{}\": ", name.as_str().unwrap());
        let line = words
            .lines()
            .find(|l| l.trim_start().starts_with(&key))
            .unwrap_or_else(|| panic!("no {key} in the page's words"));
        serde_json::from_str(line.trim().trim_start_matches(&key).trim_end_matches(','))
            .expect("a JSON string")
    };
    let mut seen = std::collections::HashSet::new();
    let mut check = |req: &GenerationRequest, loopback: bool| {
        for p in validate(req, loopback).unwrap_err() {
            let code = p.code.expect("every rule has a code");
            let mut said = english_for(code);
            for (name, value) in &p.params {
                said = said.replace(&format!("{{{name}}}"), value);
            }
            assert_eq!(said, p.message, "{code:?}");
            seen.insert(code);
        }
    };
    let mut a = GenerationRequest::text("hi");
    a.resolution = Resolution::K4;
    a.channel = Channel::Real;
    a.seed = Some(-5);
    a.mode = Mode::MediaToVideo;
    a.image_url = Some("asset://x".into());
    a.end_image_url = Some("ftp://example.com/a.png".into());
    check(&a, false);
    let mut b = GenerationRequest::text("a lighthouse in fog");
    b.quality_tier = QualityTier::Mini;
    b.seed = Some(3);
    b.mode = Mode::ImageToVideo;
    b.end_image_url = Some("not a url".into());
    b.media_urls = vec!["http://example.com/a.mp4".into(); 13];
    b.media_urls[0] = "https:///nohost".into();
    check(&b, false);
    let mut c = GenerationRequest::text("a lighthouse in fog");
    c.media_urls = vec!["file:///tmp/a.png".into()];
    check(&c, false);
    let missing: Vec<_> = ProblemCode::ALL
        .iter()
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(missing.is_empty(), "not exercised: {missing:?}");
}
