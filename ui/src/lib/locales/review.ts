// Review's words in English and Japanese: the delivery check (what a render's video holds
// against what was asked) and its filter, and tags.

export const reviewEn = {
  "delivery.badge": "Not as asked",
  "delivery.picture": "asked {asked}, got {got}",
  "delivery.duration": "asked {asked}, got {got}",
  "delivery.audio": "asked with audio, got none",
  "delivery.unreadable": "the video could not be read",
  "delivery.asAsked": "{width}×{height} · {fps} fps · {seconds} s · {codecs} (as asked)",
  "delivery.facts": "{width}×{height} · {fps} fps · {seconds} s · {codecs}",
  "delivery.label": "Delivered",
  "delivery.noAudio": "no audio",
  "library.mismatched": "Not as asked",
  "library.allTags": "All tags",
  "tags.label": "Tags",
  "tags.add": "Add a tag",
  "tags.placeholder": "Add a tag…",
  "tags.remove": "Remove the tag {tag}",
};

export const reviewJa: Record<keyof typeof reviewEn, string> = {
  "delivery.badge": "依頼と異なる",
  "delivery.picture": "依頼 {asked}、納品 {got}",
  "delivery.duration": "依頼 {asked}、納品 {got}",
  "delivery.audio": "音声ありで依頼、音声なしで納品",
  "delivery.unreadable": "動画を読み取れませんでした",
  "delivery.asAsked": "{width}×{height} · {fps} fps · {seconds} 秒 · {codecs}（依頼どおり）",
  "delivery.facts": "{width}×{height} · {fps} fps · {seconds} 秒 · {codecs}",
  "delivery.label": "納品",
  "delivery.noAudio": "音声なし",
  "library.mismatched": "依頼と異なるもの",
  "library.allTags": "すべてのタグ",
  "tags.label": "タグ",
  "tags.add": "タグを追加",
  "tags.placeholder": "タグを追加…",
  "tags.remove": "タグ {tag} を外す",
};
