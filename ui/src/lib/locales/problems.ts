// What each rule of the request table says when a draft breaks it, in English and Japanese,
// keyed by the problem's code from the core (`ProblemCode`, with its `params` filled in).
// The core's English message stands in for a problem without a code. The prompt advice
// (`LintWarning`, keyed by its kind, with the word it is about as {token}) is here too.

export const problemsEn = {
  "problem.prompt_length": "must be {min}–{max} characters; it has {chars}",
  "problem.resolution_needs_pro": "{resolution} needs the pro quality tier (the request uses {tier}); choose pro, or 720p/1080p",
  "problem.seed_range": "must be from {min} to {max}; got {seed}",
  "problem.seed_not_on_real": "is not supported on the real channel; remove the seed or pick another channel",
  "problem.seed_not_on_mini": "is not supported on the mini tier; remove the seed or pick standard or pro",
  "problem.start_frame_required": "is required for image-to-video: the start frame, as a public https URL",
  "problem.media_required": "is required for media-to-video: 1 to 12 public https image or video URLs",
  "problem.too_many_media": "takes at most {max} URLs; it has {count}",
  "problem.asset_url": "asset:// URLs are not accepted; use a public https URL",
  "problem.not_a_url": "is not a URL: \"{value}\"; use a public https URL",
  "problem.no_host": "has no host; use a public https URL",
  "problem.http_only_loopback": "must use https (http:// is only accepted for loopback references in Sandbox mode)",
  "problem.not_https": "must be an https URL, not {scheme}://",
  "lint.asset_url": "The prompt contains an asset:// URL. Describe the reference in words instead; pass the file itself as a reference.",
  "lint.in_app_label": "\"{token}\" looks like an in-app label; the API does not know it. Say what the reference is, e.g. \"the woman in the first reference image\".",
  "lint.asset_id": "\"{token}\" looks like a raw asset id; the model cannot see it. Describe the asset's role in words.",
  "lint.start_frame_role": "A start frame is attached but the prompt does not say so: describe how the clip opens from it (e.g. \"starting from the supplied image\").",
  "lint.end_frame_role": "An end frame is attached but the prompt does not say so: describe how the clip should end on it.",
  "lint.media_role": "Media references are attached but the prompt does not describe their roles (character, motion, style, source video, or \"continue from the supplied previous clip\").",
};

export const problemsJa: Record<keyof typeof problemsEn, string> = {
  "problem.prompt_length": "{min}〜{max} 文字にしてください（現在 {chars} 文字）",
  "problem.resolution_needs_pro": "{resolution} には pro 品質ティアが必要です（指定は {tier}）。pro を選ぶか、720p/1080p にしてください",
  "problem.seed_range": "{min} から {max} の範囲で指定してください（指定値 {seed}）",
  "problem.seed_not_on_real": "real チャンネルでは使えません。シードを外すか、別のチャンネルを選んでください",
  "problem.seed_not_on_mini": "mini ティアでは使えません。シードを外すか、standard か pro を選んでください",
  "problem.start_frame_required": "image-to-video には必須です: 開始フレームを公開 https URL で指定してください",
  "problem.media_required": "media-to-video には必須です: 公開 https の画像または動画の URL を 1〜12 件",
  "problem.too_many_media": "URL は最大 {max} 件です（現在 {count} 件）",
  "problem.asset_url": "asset:// の URL は使えません。公開 https URL を使ってください",
  "problem.not_a_url": "URL ではありません: \"{value}\"。公開 https URL を使ってください",
  "problem.no_host": "ホストがありません。公開 https URL を使ってください",
  "problem.http_only_loopback": "https を使ってください（http:// はサンドボックスモードのループバック参照でのみ使えます）",
  "problem.not_https": "https の URL にしてください（{scheme}:// は使えません）",
  "lint.asset_url": "プロンプトに asset:// の URL が含まれています。参照は言葉で説明し、ファイル自体は参照として渡してください。",
  "lint.in_app_label": "「{token}」はアプリ内のラベルのようです。API はこれを知りません。参照が何かを書いてください（例:「1 枚目の参照画像の女性」）。",
  "lint.asset_id": "「{token}」は素のアセット ID のようです。モデルには見えません。アセットの役割を言葉で説明してください。",
  "lint.start_frame_role": "開始フレームが添付されていますが、プロンプトに書かれていません。そこからどう始まるかを書いてください（例:「添付の画像から始まる」）。",
  "lint.end_frame_role": "終了フレームが添付されていますが、プロンプトに書かれていません。どう終わるかを書いてください。",
  "lint.media_role": "メディア参照が添付されていますが、プロンプトに役割（人物、動き、スタイル、元の動画、または「添付の前のクリップから続ける」）が書かれていません。",
};
