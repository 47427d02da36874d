// Review's words in English and Japanese: the delivery check (what a render's video holds
// against what was asked) and its filter, tags, and evidence packs.

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
  "evidence.save": "Evidence pack…",
  "evidence.hint": "A zip for support: the request as sent, its Idempotency-Key, every task answer, the delivery check, checksums and credits (no key, no signatures)",
  "evidence.saved": "Saved the evidence pack to {path}",
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
  "evidence.save": "証拠パック…",
  "evidence.hint": "サポート向けの zip: 送信したリクエスト、Idempotency-Key、タスクのすべての応答、納品チェック、チェックサム、クレジット（キーと署名は含みません）",
  "evidence.saved": "証拠パックを {path} に保存しました",
};
