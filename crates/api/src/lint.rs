//! Prompt advice from the vendor's guide: describe each reference's role in words, and never
//! put raw asset ids, `asset://` URLs or in-app labels such as `@图片1` in the prompt. These
//! are warnings, not errors: the request is valid, it just renders worse.

use serde::Serialize;

use crate::types::GenerationRequest;

/// What kind of advice a warning gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LintKind {
    AssetUrl,
    AssetId,
    InAppLabel,
    StartFrameRole,
    EndFrameRole,
    MediaRole,
}

/// One piece of advice about a prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LintWarning {
    /// Which advice, so a front end can say it in its own language.
    pub kind: LintKind,
    /// The advice in English.
    pub message: String,
    /// The word of the prompt it is about (for `in_app_label` and `asset_id`).
    pub token: Option<String>,
}

// Words that say what a reference is for, in English, Japanese and Chinese. Japanese runs
// words together, so stems (始ま, 終わ) match every inflection. A prompt in a script none of
// these lists speaks gets no role advice at all: silence beats a wrong warning.
const START_WORDS: &[&str] = &[
    "start",
    "first frame",
    "opening",
    "open on",
    "opens on",
    "begin",
    "initial",
    "from the image",
    "from the supplied",
    "開始",
    "最初",
    "冒頭",
    "始ま",
    "始め",
    "はじま",
    "はじめ",
    "初め",
    "スタート",
    "画像から",
    "写真から",
    "静止画から",
    "フレームから",
    "起点",
    "首帧",
    "起始",
    "开头",
    "开始",
];
const END_WORDS: &[&str] = &[
    "end",
    "last frame",
    "closing",
    "final frame",
    "finish",
    "最後",
    "終わ",
    "おわ",
    "終了",
    "終盤",
    "締め",
    "ラスト",
    "エンド",
    "画像で",
    "写真で",
    "着地",
    "尾帧",
    "结束",
    "结尾",
    "最后",
];
const MEDIA_WORDS: &[&str] = &[
    "reference",
    "character",
    "style",
    "motion",
    "source video",
    "previous clip",
    "continue",
    "supplied",
    "provided",
    "参考",
    "参照",
    "リファレンス",
    "キャラ",
    "人物",
    "登場",
    "スタイル",
    "画風",
    "タッチ",
    "雰囲気",
    "動き",
    "モーション",
    "振り付け",
    "カメラワーク",
    "元の",
    "元動画",
    "素材",
    "添付",
    "提供",
    "指定",
    "渡した",
    "続き",
    "続け",
    "続く",
    "前のクリップ",
    "前の動画",
    "動画の",
    "映像の",
    "クリップの",
    "参考视频",
    "角色",
    "风格",
    "动作",
    "继续",
    "上一段",
];

/// Whether the prompt is written in a language the word lists above cover: Latin script,
/// Japanese or Chinese. Anything else (Korean, Cyrillic, Arabic …) gets no role advice.
fn speaks(prompt: &str) -> bool {
    let letters = prompt.chars().filter(|c| c.is_alphabetic());
    let (mut known, mut other) = (0usize, 0usize);
    for c in letters {
        let covered = c.is_ascii_alphabetic()
            || matches!(c as u32,
                0x00C0..=0x024F          // Latin with accents
                | 0x3040..=0x30FF        // hiragana, katakana
                | 0x31F0..=0x31FF        // katakana extensions
                | 0x3400..=0x4DBF        // CJK extension A
                | 0x4E00..=0x9FFF        // CJK ideographs
                | 0xF900..=0xFAFF        // CJK compatibility
                | 0xFF66..=0xFF9F); // half-width katakana
        if covered {
            known += 1;
        } else {
            other += 1;
        }
    }
    known >= other
}

fn mentions(prompt_lower: &str, words: &[&str]) -> bool {
    words.iter().any(|w| prompt_lower.contains(w))
}

/// Advice for the prompt of `req`, in the order it appears.
pub fn lint_prompt(req: &GenerationRequest) -> Vec<LintWarning> {
    let prompt = &req.prompt;
    let lower = prompt.to_lowercase();
    let mut out = Vec::new();
    let mut warn = |kind, message: String, token: Option<&str>| {
        out.push(LintWarning {
            kind,
            message,
            token: token.map(str::to_string),
        })
    };

    if lower.contains("asset://") {
        warn(
            LintKind::AssetUrl,
            "The prompt contains an asset:// URL. Describe the reference in words instead; pass the file itself as a reference.".into(),
            None,
        );
    }
    for token in prompt.split(|c: char| c.is_whitespace() || ",;()[]{}\"'、。，".contains(c)) {
        let t = token
            .trim_matches(|c: char| c.is_ascii_punctuation() && c != '@' && c != '_' && c != '-');
        if let Some(label) = t.strip_prefix('@')
            && !label.is_empty()
            && label.chars().any(|c| c.is_numeric())
        {
            warn(
                LintKind::InAppLabel,
                format!(
                    "\"{t}\" looks like an in-app label; the API does not know it. Say what the reference is, e.g. \"the woman in the first reference image\"."
                ),
                Some(t),
            );
        } else if is_asset_id(t) {
            warn(
                LintKind::AssetId,
                format!(
                    "\"{t}\" looks like a raw asset id; the model cannot see it. Describe the asset's role in words."
                ),
                Some(t),
            );
        }
    }
    let advise_roles = speaks(prompt);
    if advise_roles && req.image_url.is_some() && !mentions(&lower, START_WORDS) {
        warn(
            LintKind::StartFrameRole,
            "A start frame is attached but the prompt does not say so: describe how the clip opens from it (e.g. \"starting from the supplied image\").".into(),
            None,
        );
    }
    if advise_roles && req.end_image_url.is_some() && !mentions(&lower, END_WORDS) {
        warn(
            LintKind::EndFrameRole,
            "An end frame is attached but the prompt does not say so: describe how the clip should end on it.".into(),
            None,
        );
    }
    if advise_roles && !req.media_urls.is_empty() && !mentions(&lower, MEDIA_WORDS) {
        warn(
            LintKind::MediaRole,
            "Media references are attached but the prompt does not describe their roles (character, motion, style, source video, or \"continue from the supplied previous clip\").".into(),
            None,
        );
    }
    out
}

/// `asset_…`/`asset-…` ids, and bare UUIDs.
fn is_asset_id(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    if let Some(rest) = lower
        .strip_prefix("asset_")
        .or_else(|| lower.strip_prefix("asset-"))
        && rest.len() >= 4
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return true;
    }
    let parts: Vec<&str> = lower.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(req: &GenerationRequest) -> Vec<LintKind> {
        lint_prompt(req).into_iter().map(|w| w.kind).collect()
    }

    #[test]
    fn a_plain_director_prompt_is_clean() {
        let req = GenerationRequest::text(
            "A cinematic shot of a glass train crossing a snowy bridge, slow dolly-in, no watermark",
        );
        assert!(lint_prompt(&req).is_empty());
    }

    #[test]
    fn asset_urls_ids_and_in_app_labels_are_flagged() {
        let req = GenerationRequest::text(
            "Use asset://abc and @图片1 with asset_9f8e7d, also 123e4567-e89b-12d3-a456-426614174000. Email me@example.com",
        );
        assert_eq!(
            kinds(&req),
            [
                LintKind::AssetUrl,
                LintKind::InAppLabel,
                LintKind::AssetId,
                LintKind::AssetId
            ]
        );
        let warnings = lint_prompt(&req);
        assert!(warnings[1].message.contains("@图片1"));
        // The word each is about, for front ends that say the advice in their own words.
        let tokens: Vec<Option<&str>> = warnings.iter().map(|w| w.token.as_deref()).collect();
        assert_eq!(
            tokens,
            [
                None,
                Some("@图片1"),
                Some("asset_9f8e7d"),
                Some("123e4567-e89b-12d3-a456-426614174000")
            ]
        );
    }

    /// The UI's English words for each advice are the core's own (the page says advice by
    /// its kind; this keeps the two from drifting apart).
    #[test]
    fn the_pages_english_advice_is_the_cores() {
        let words = include_str!("../../../ui/src/lib/locales/problems.ts");
        let req = GenerationRequest {
            image_url: Some("https://a.test/s.png".into()),
            end_image_url: Some("https://a.test/e.png".into()),
            media_urls: vec!["https://a.test/m.mp4".into()],
            ..GenerationRequest::text("Use asset://abc and @img1 with asset_9f8e7d")
        };
        let warnings = lint_prompt(&req);
        assert_eq!(warnings.len(), 6, "every kind once: {warnings:?}");
        for w in warnings {
            let kind = serde_json::to_value(w.kind).unwrap();
            let key = format!("\"lint.{}\": ", kind.as_str().unwrap());
            let line = words
                .lines()
                .find(|l| l.trim_start().starts_with(&key))
                .unwrap_or_else(|| panic!("no {key} in the page's words"));
            let english = line.trim().trim_start_matches(&key).trim_end_matches(',');
            let english: String = serde_json::from_str(english).expect("a JSON string");
            let said = english.replace("{token}", w.token.as_deref().unwrap_or(""));
            assert_eq!(said, w.message, "{key}");
        }
    }

    #[test]
    fn references_need_their_role_in_words() {
        let bare = GenerationRequest {
            image_url: Some("https://a.test/s.png".into()),
            end_image_url: Some("https://a.test/e.png".into()),
            media_urls: vec!["https://a.test/m.mp4".into()],
            ..GenerationRequest::text("A dancer spins")
        };
        assert_eq!(
            kinds(&bare),
            [
                LintKind::StartFrameRole,
                LintKind::EndFrameRole,
                LintKind::MediaRole
            ]
        );
        let described = GenerationRequest {
            prompt: "Starting from the supplied image, the dancer spins and ends on the last frame; continue from the supplied previous clip".into(),
            ..bare.clone()
        };
        assert!(kinds(&described).is_empty());
        let japanese = GenerationRequest {
            prompt: "最初の画像から始まり、最後の画像で終わる。参考動画の動きを使う".into(),
            ..bare
        };
        assert!(kinds(&japanese).is_empty(), "{:?}", kinds(&japanese));
    }

    fn with_every_reference(prompt: &str) -> GenerationRequest {
        GenerationRequest {
            image_url: Some("https://a.test/s.png".into()),
            end_image_url: Some("https://a.test/e.png".into()),
            media_urls: vec!["https://a.test/m.mp4".into()],
            ..GenerationRequest::text(prompt)
        }
    }

    #[test]
    fn japanese_prompts_that_describe_their_references_get_no_role_advice() {
        // How people write it: the roles in Japanese, with no English word at all.
        for prompt in [
            "この写真から始めて、添付した動画のカメラワークで街を歩き、夕日の画像で終わる。",
            "冒頭は指定の静止画。キャラクターは参照映像の人物、ラストは二枚目の画像。",
            "前のクリップの続き。最初のフレームからスタートし、素材の雰囲気のまま終了する。",
            "画像から始まり、動画の振り付けで踊り、最後は笑顔で締める。",
        ] {
            assert!(
                kinds(&with_every_reference(prompt)).is_empty(),
                "{prompt}: {:?}",
                kinds(&with_every_reference(prompt))
            );
        }
    }

    #[test]
    fn a_japanese_prompt_that_ignores_its_references_is_still_advised() {
        assert_eq!(
            kinds(&with_every_reference("猫が雪の中で眠る。")),
            [
                LintKind::StartFrameRole,
                LintKind::EndFrameRole,
                LintKind::MediaRole
            ]
        );
    }

    #[test]
    fn prompts_in_languages_the_advice_does_not_read_get_no_role_advice() {
        for prompt in [
            "고양이가 눈 속에서 잔다",
            "Кошка спит в снегу, медленный наезд камеры",
        ] {
            assert!(kinds(&with_every_reference(prompt)).is_empty(), "{prompt}");
        }
        // The other advice does not depend on the language.
        assert_eq!(
            kinds(&GenerationRequest::text("고양이 asset://x")),
            [LintKind::AssetUrl]
        );
    }
}
