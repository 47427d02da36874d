use super::*;
use crate::project::{Direction, Seconds};

const GLASS_TRAIN: &str = "# Glass Train
budget: 400
aspect: 16:9

A ten-second teaser for the winter line.

## Shot 1: Approach
A glass train crosses a snowy mountain bridge at dawn, slow dolly-in.
duration: 5

## Shot 2: Inside
chain: last-frame
Passengers look out at the falling snow, warm light, stable faces.
Style: warm
";

#[test]
fn the_markdown_form_reads_as_the_contract_says() {
    let board = parse(GLASS_TRAIN, Format::Markdown, None).unwrap();
    assert_eq!(board.name, "Glass Train");
    assert_eq!(board.budget, Some(400));
    assert_eq!(board.defaults.aspect, Some(AspectRatio::Landscape16x9));
    assert_eq!(board.notes, "A ten-second teaser for the winter line.");
    assert_eq!(board.shots.len(), 2);
    let [first, second] = &board.shots[..] else {
        unreachable!()
    };
    assert_eq!(first.title, "Approach");
    assert_eq!(
        first.prompt,
        "A glass train crosses a snowy mountain bridge at dawn, slow dolly-in."
    );
    assert_eq!(first.settings.duration, Some(Seconds(5)));
    assert_eq!(second.title, "Inside");
    assert_eq!(second.chain, Chain::LastFrame);
    // `Style` is no key: it stays in the prompt, in order.
    assert_eq!(
        second.prompt,
        "Passengers look out at the falling snow, warm light, stable faces.\nStyle: warm"
    );
}

#[test]
fn keys_are_case_insensitive_and_media_repeats() {
    let text = "# P\nTIER: Pro\n\n## Shot 1\nResolution: 1080P\nMEDIA: https://a.test/1.png\nmedia: https://a.test/2.png\nA dancer turns in the rain, slow motion.\n";
    let board = parse(text, Format::Markdown, None).unwrap();
    assert_eq!(board.defaults.tier, Some(QualityTier::Pro));
    let shot = &board.shots[0];
    assert_eq!(shot.title, "");
    assert_eq!(shot.settings.resolution, Some(Resolution::P1080));
    assert_eq!(shot.media, ["https://a.test/1.png", "https://a.test/2.png"]);
}

#[test]
fn every_problem_of_every_shot_is_listed_at_once_with_its_line() {
    let text = "# Broken
budget: lots
tier: platinum

## Shot 1: Opening
chain: clip
A cat at a window.

## Shot 2: Twice
duration: 5
duration: 6
seed: x
budget: 10
Two cats walk along a garden wall at dusk.

## Shot 3: Bad settings
resolution: 4k
audio: maybe
image: https://a.test/start.png
media: https://a.test/ref.png
Three cats sit on a sofa, looking at the camera.

## Shot 4: Chained with its own start
chain: last-frame
image: https://a.test/start.png
Hi
";
    let problems = parse(text, Format::Markdown, None).unwrap_err();
    let said: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let has = |needle: &str| {
        assert!(
            said.iter().any(|s| s.contains(needle)),
            "no {needle:?} in {said:#?}"
        );
    };
    has("budget: line 2: \"lots\" is not a whole number of credits");
    has("tier: line 3: \"platinum\" is not a tier: use mini, standard, pro");
    has("shots[1].chain: line 5: the first shot has no shot before it");
    has("shots[4].prompt: line 23: must be 3–10000 characters; it has 2");
    has("shots[2].duration: line 11: set twice (first on line 10)");
    has("shots[2].seed: line 12: \"x\" is not a whole number");
    has("shots[2].budget: line 13: budget is the project's");
    has("shots[3].audio: line 18: \"maybe\" is not on or off");
    has(
        "shots[3].media: line 16: a shot starts from a frame (image) or takes media references, not both",
    );
    has("shots[4].image: line 23: chain: last-frame sets the start frame");
    // The tier was refused, so 4k is checked against the default tier.
    has("shots[3].resolution: line 16: 4k needs the pro quality tier");
}

#[test]
fn a_file_without_a_name_or_shots_says_what_it_needs() {
    let problems = parse("just some notes\n", Format::Markdown, None).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["name", "shots"]);
    // --name stands in for the heading, and replaces it when given.
    let board = parse(GLASS_TRAIN, Format::Markdown, Some("Renamed")).unwrap();
    assert_eq!(board.name, "Renamed");
}

#[test]
fn csv_has_one_row_per_shot_with_the_same_keys() {
    let text = "Title,Prompt,chain,duration,media\n\
                Approach,\"A glass train crosses a bridge, at dawn.\",none,5,\n\
                Inside,Passengers look out at the falling snow.,clip,6,https://a.test/1.png https://a.test/2.png\n";
    let board = parse(text, Format::Csv, Some("Glass Train")).unwrap();
    assert_eq!(board.name, "Glass Train");
    assert_eq!(
        board.shots[0].prompt,
        "A glass train crosses a bridge, at dawn."
    );
    assert_eq!(board.shots[1].chain, Chain::Clip);
    assert_eq!(board.shots[1].settings.duration, Some(Seconds(6)));
    assert_eq!(board.shots[1].media.len(), 2);
}

#[test]
fn csv_problems_name_the_column_and_line() {
    let problems = parse("title,prompt,mood\nA,B,C\n", Format::Csv, Some("P")).unwrap_err();
    assert!(
        problems[0].message.contains("unknown column \"mood\""),
        "{problems:?}"
    );
    let problems = parse(
        "title,prompt,duration\nA,A lighthouse in fog.,20\n",
        Format::Csv,
        Some("P"),
    )
    .unwrap_err();
    assert_eq!(problems[0].field, "shots[1].duration");
    assert!(
        problems[0]
            .message
            .starts_with("line 2: must be 4–15 seconds"),
        "{problems:?}"
    );
    let problems = parse("title,prompt\nA,B,C\n", Format::Csv, Some("P")).unwrap_err();
    assert!(problems[0].message.starts_with("line 2:"), "{problems:?}");
}

#[test]
fn json_is_read_strictly() {
    let problems = parse(
        r#"{"name": "P", "shots": [{"prompt": "a quiet harbour", "colour": "red"}]}"#,
        Format::Json,
        None,
    )
    .unwrap_err();
    assert!(
        problems[0].message.contains("unknown field `colour`"),
        "{problems:?}"
    );
    let board = parse(
        r#"{"name": "P", "budget": 90, "defaults": {"duration": "6"}, "shots": [{"prompt": "a quiet harbour"}]}"#,
        Format::Json,
        None,
    )
    .unwrap();
    assert_eq!(
        (board.budget, board.defaults.duration),
        (Some(90), Some(Seconds(6)))
    );
}

#[test]
fn what_export_writes_import_reads_back() {
    let mut board = parse(GLASS_TRAIN, Format::Markdown, None).unwrap();
    board.shots[0].seed = Some(42);
    board.shots[0].settings.audio = Some(false);
    board.shots[0].settings.fixed_lens = Some(true);
    board.shots[0].end_image = Some("https://a.test/end.png".into());
    board.shots.push(ShotPlan {
        title: "Away".into(),
        prompt: "The train disappears into a tunnel.\nSnow settles on the rails.".into(),
        chain: Chain::Clip,
        media: vec!["https://a.test/style.png".into()],
        ..ShotPlan::default()
    });
    for format in [Format::Markdown, Format::Json] {
        let again = parse(&write(&board, format), format, None).unwrap();
        assert_eq!(again, board, "{format:?}");
    }
    // A CSV has no project row: its settings go onto every shot, the shots are the same.
    let csv = parse(
        &write(&board, Format::Csv),
        Format::Csv,
        Some("Glass Train"),
    )
    .unwrap();
    assert_eq!(csv.shots.len(), board.shots.len());
    for (a, b) in csv.shots.iter().zip(&board.shots) {
        assert_eq!(
            (&a.title, &a.prompt, a.chain, a.seed, &a.media),
            (&b.title, &b.prompt, b.chain, b.seed, &b.media)
        );
        assert_eq!(a.settings, b.settings.over(&board.defaults));
    } // A shot directed in the composer keeps its director's fields in JSON; the other forms
    // carry the prompt they built.
    board.shots[0].direction = Some(Direction {
        subject: "A glass train".into(),
        camera: "slow dolly-in".into(),
        shots: vec!["the bridge".into(), "the tunnel".into()],
        constraints: vec!["no logo".into()],
        ..Default::default()
    });
    let json = parse(&write(&board, Format::Json), Format::Json, None).unwrap();
    assert_eq!(json, board);
    let markdown = parse(&write(&board, Format::Markdown), Format::Markdown, None).unwrap();
    assert_eq!(markdown.shots[0].direction, None);
    assert_eq!(markdown.shots[0].prompt, board.shots[0].prompt);
}
