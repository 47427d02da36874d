// The UI's words in English and Japanese. The language follows the OS until Settings
// chooses one. Every key exists in both; a test holds them to it. Past 500 lines because
// it is the two tables of general words side by side (the words of each area that has many
// live in locales/), and the functions that say a problem, advice or delivery with them.

import type { Delivery, JobSummary, LintWarning, Problem } from "./bindings";
import { attentionEn, attentionJa } from "./locales/attention";
import { choicesEn, choicesJa } from "./locales/choices";
import { workspaceEn, workspaceJa } from "./locales/workspace";
import { problemsEn, problemsJa } from "./locales/problems";
import { projectsEn, projectsJa } from "./locales/projects";
import { reviewEn, reviewJa } from "./locales/review";
import { settingsEn, settingsJa } from "./locales/settings";

const en = {
  ...settingsEn,
  ...problemsEn,
  ...attentionEn,
  ...projectsEn,
  ...reviewEn,
  ...choicesEn,
  ...workspaceEn,
  "nav.compose": "Compose",
  "nav.library": "Library",
  "nav.settings": "Settings",
  "banner.sandbox": "Sandbox · sample clips, no credits spent.",
  "banner.sandboxMore": "Renders here are sample clips from the built-in emulator.",
  "banner.addKey": "Add an API key for Live",
  "banner.dismiss": "Dismiss",
  "status.sandbox": "Sandbox · sample clips, no credits spent",
  "status.connecting": "Connecting…",
  "status.fromEnv": "(from SEEDANCE_BASE_URL)",
  "status.notConnected": "Not connected",

  "compose.title": "Compose",
  "compose.lede": "Direct the shot: subject, action, scene, camera motion, style, constraints.",
  "compose.prompt": "Prompt",
  "compose.write": "Write",
  "compose.direct": "Director",
  "compose.placeholder":
    "A cinematic shot of a glass train crossing a snowy mountain bridge at dawn, slow dolly-in, soft volumetric light, stable faces, no watermark",
  "compose.countHint": "Between {min} and {max} characters; Japanese counts one per character.",
  "compose.short": "{n} more characters needed",
  "compose.long": "{n} characters over the limit",
  "compose.ok": "Ready",
  "compose.subject": "Subject",
  "compose.action": "Action",
  "compose.scene": "Scene",
  "compose.camera": "Camera motion",
  "compose.style": "Visual style",
  "compose.extra": "Anything else",
  "compose.shots": "Shots, in order",
  "compose.addShot": "Add a shot",
  "compose.removeShot": "Remove shot {n}",
  "compose.constraints": "Constraints",
  "compose.usePrompt": "The prompt this makes:",
  "compose.settings": "Settings",
  "compose.mode": "Mode",
  "compose.tier": "Quality tier",
  "compose.channel": "Channel",
  "compose.aspect": "Aspect ratio",
  "compose.duration": "Duration",
  "compose.seconds": "{n} s",
  "compose.resolution": "Resolution",
  "compose.audio": "Generate audio",
  "compose.audioLabel": "Audio",
  "compose.lensLabel": "Lens",
  "compose.lens": "Fixed lens (the camera does not move)",
  "compose.seed": "Seed",
  "compose.seedRandom": "Random",
  "compose.seedNew": "New seed",
  "compose.seedReuse": "Reuse last",
  "compose.seedHint": "Empty: the service picks one. The same seed and settings give a similar clip.",
  "compose.references": "References",
  "compose.extendsClip": "Continues the clip of “{title}”",
  "compose.extendsFrame": "Continues from the last frame of “{title}”",
  "compose.extendsDrop": "Make it a new render instead of a continuation",
  "compose.start": "Start frame",
  "compose.startRole": "The clip opens on this image (image-to-video).",
  "compose.end": "End frame",
  "compose.endRole": "The clip closes on this image.",
  "compose.media": "Media references ({n} of {max})",
  "compose.mediaRole":
    "Characters, motion, style or a source clip; say in the prompt what each one is for (media-to-video).",
  "compose.dropHere": "Drop an image or a link here, paste a URL, or type one:",
  "compose.localConfirm": "Use these files from this computer? They will be read and uploaded to your storage. (A web page can name files on your computer in what it drags: use them only if you dragged them yourself.)",
  "compose.localConfirmYes": "Use these files",
  "compose.urlPlaceholder": "https://…",
  "compose.add": "Add",
  "compose.remove": "Remove",
  "compose.checking": "Checking…",
  "compose.rangeMissing": "This host does not answer Range requests; the service may not read the video.",
  "compose.video": "Video",
  "compose.uploading": "Uploading {done} of {total} KB to your storage…",
  "compose.submit": "Render",
  "compose.submitting": "Sending…",
  "compose.submitHint": "Ctrl+Enter",
  "compose.submitted": "Queued as {id}. The draft stays here for the next variation.",
  "compose.fixFirst": "Fix these first; nothing was sent:",
  "compose.cost": "About {credits} credits, like your last {duration} s {resolution} {tier} render.",
  "compose.costPublished": "{credits} credits (the published price for standard, 5 s, 720p).",
  "compose.costAccount": "About {credits} credits: the usual rates × {factor}, this account's factor from its first charge.",
  "compose.costRates": "About {credits} credits, at the per-second rate real accounts were charged.",
  "compose.costCarried": "Roughly {credits} credits (no charge at this resolution was observed; carried over from the observed rates).",
  "compose.costSandbox": "Sandbox: no credits are spent.",
  "compose.confirmTitle": "This render is estimated at {credits} credits, above your spend guard of {guard}.",
  "compose.confirmYes": "Render anyway",
  "compose.confirmNo": "Cancel",
  "compose.advice": "Advice",

  "rule.4kNeedsPro": "4K needs the pro tier",
  "rule.plusNeedsPro": "1080p-plus needs the pro tier",
  "rule.seedNotOnReal": "A fixed seed is not supported on the real channel",
  "rule.seedNotOnMini": "A fixed seed is not supported on the mini tier",
  "notice.resolutionLowered": "Resolution changed from {from} to {to}: higher resolutions need the pro tier.",
  "notice.seedDropped": "Seed cleared: this tier or channel picks its own.",
  "notice.modeChanged": "Mode changed to {mode} to match the references.",

  "mode.text-to-video": "Text to video",
  "mode.image-to-video": "Image to video",
  "mode.media-to-video": "Media to video",

  "queue.title": "Queue",
  "queue.lede": "Your renders, newest first, as they happen: submitting, rendering, downloading.",
  "queue.empty": "Nothing yet",
  "queue.emptyMore": "Renders you submit from Compose, or with the seedance command, appear here.",
  "state.draft": "Draft",
  "state.queued": "Queued",
  "state.submitting": "Submitting",
  "state.processing": "Rendering",
  "state.downloading": "Downloading",
  "state.ready": "Ready",
  "state.expired": "Expired",
  "state.failed": "Failed",
  "state.needs_attention": "Needs you",
  "library.title": "Library",
  "library.lede": "Every render, newest first. Hover to play; open one for everything about it.",
  "library.search": "Search prompts",
  "library.allModes": "All modes",
  "library.allTiers": "All tiers",
  "library.allStates": "Any state",
  "library.when": "When",
  "library.anyTime": "Any time",
  "library.period.today": "Today",
  "library.period.week": "Past 7 days",
  "library.period.month": "Past 30 days",
  "library.period.year": "Past year",
  "library.size": "Size",
  "library.favourites": "Favourites only",
  "library.empty": "No renders yet",
  "library.emptyMore": "Finished renders appear here with a preview; search them by their prompt.",
  "library.none": "No render matches.",
  "library.export": "Export library…",
  "library.exported": "Written to {path}",
  "library.import": "Import library…",
  "library.importCancelled": "Nothing was imported.",
  "library.imported": "{added} added, {skipped} already there.",
  "library.disk": "Renders take {size} on disk.",
  "credits.title": "Credits",
  "credits.total": "{used} credits spent, {refunded} refunded ({net} net)",
  "credits.day": "{day}: {used} spent, {refunded} refunded",
  "detail.close": "Close",
  "detail.remix": "Remix",
  "detail.extend": "Extend (clip as reference)",
  "detail.extendFrame": "Extend from last frame",
  "detail.seed": "Reuse seed",
  "detail.favourite": "Favourite",
  "detail.unfavourite": "Unfavourite",
  "detail.delete": "Delete",
  "detail.deleteConfirm": "Delete this render and its files for good?",
  "detail.deleteYes": "Delete",
  "detail.reveal": "Show in folder",
  "detail.open": "Open output URL",
  "detail.extends": "Continues",
  "detail.extendsFrame": "from its last frame",
  "detail.extendsClip": "from its clip",
  "detail.extendedBy": "Continued by",
  "detail.copy": "Copy as seedance command",
  "detail.copied": "Copied.",
  "detail.replaceDraft": "Compose holds a draft. Replace it?",
  "detail.replaceYes": "Replace the draft",
  "detail.noVideo": "The video is not saved on this computer.",
  "detail.openExpired": "The output URL has expired (the service keeps outputs for a limited time).",
  "detail.openMissing": "There is no output URL for this render.",
  "detail.openNotHttps": "The output URL is not https, so it is not opened in the browser.",
  "detail.expiredNote": "Output URLs expire. If this one has, extending needs an upload storage for the local copy, which is not set up.",
  "detail.task": "Task",
  "detail.created": "Created",
  "detail.completed": "Completed",
  "detail.credits": "Credits",
  "detail.size": "Video size",
  "detail.audioOn": "audio on",
  "detail.audioOff": "audio off",
  "detail.lensFixed": "lens fixed",
  "detail.lensFree": "lens free",
  "detail.media": "Media {n}",
  "detail.kb": "{n} KB",
  "detail.error": "Error",
  "queue.credits": "{n} credits",
  "queue.refunded": "{n} refunded",
  "nav.areas": "Areas",
  "queue.inFlight": "In flight",
  "queue.finished": "Recently finished",
  "queue.budget": "Requests: {used} of {limit} in the last {secs} s",
  "queue.paused": "Rate-limited: paused for {secs} s",
  "queue.retry": "Retry",
  "queue.retryConfirm": "Retrying starts a new render and spends credits again. Retry?",
  "queue.retryYes": "Retry for new credits",
  "queue.retryDoubleTitle": "This retry may be charged twice",
  "queue.retryDoubleYes": "Retry, accepting a possible second charge",
  "queue.resend": "Resend",
  "queue.giveUp": "Give up",
  "queue.expected": "about {secs} s expected",
  "quit.title": "{n} renders are still in flight.",
  "quit.more": "They go on at the service. Their videos are saved the next time you open Seedance Studio (or run seedance resume).",
  "quit.yes": "Quit",
  "quit.no": "Keep open",
  "settings.keychainMissing": "The API key cannot be saved: this desktop has no keychain the app can use.",
  "settings.keychainFix":
    "To save it, install or unlock a Secret Service keyring, such as GNOME Keyring or KWallet, then open Settings again. To use a key for one session only, start Seedance Studio with the SEEDANCE_API_KEY environment variable set to it.",
  "settings.details": "Details",
  "settings.noticeNoKeychain": "Started in Sandbox mode: no API key can be saved on this desktop (see API key below).",
  "settings.liveNoKeychain": "Live needs an API key, and none can be saved on this desktop (see API key below).",
  "settings.keychainNotSaved": "Nothing was saved: this desktop has no keychain to keep the key in (see above).",
};

export type MessageKey = keyof typeof en;

const ja: Record<MessageKey, string> = {
  ...settingsJa,
  ...problemsJa,
  ...attentionJa,
  ...projectsJa,
  ...reviewJa,
  ...choicesJa,
  ...workspaceJa,
  "nav.compose": "作成",
  "nav.library": "ライブラリ",
  "nav.settings": "設定",
  "banner.sandbox": "サンドボックス · サンプル映像、クレジット消費なし。",
  "banner.sandboxMore": "ここでの生成は内蔵エミュレーターのサンプル映像です。",
  "banner.addKey": "Live 用の API キーを追加",
  "banner.dismiss": "閉じる",
  "status.sandbox": "サンドボックス · サンプル映像、クレジット消費なし",
  "status.connecting": "接続中…",
  "status.fromEnv": "（SEEDANCE_BASE_URL から）",
  "status.notConnected": "未接続",

  "compose.title": "作成",
  "compose.lede": "ショットを演出: 被写体、動作、シーン、カメラワーク、スタイル、制約。",
  "compose.prompt": "プロンプト",
  "compose.write": "自由入力",
  "compose.direct": "ディレクター",
  "compose.placeholder":
    "夜明けの雪山の橋を渡るガラスの列車、ゆっくりとしたドリーイン、柔らかなボリュームライト、安定した顔、透かしなし",
  "compose.countHint": "{min}〜{max} 文字。日本語も 1 文字ずつ数えます。",
  "compose.short": "あと {n} 文字必要です",
  "compose.long": "上限を {n} 文字超えています",
  "compose.ok": "送信できます",
  "compose.subject": "被写体",
  "compose.action": "動作",
  "compose.scene": "シーン",
  "compose.camera": "カメラワーク",
  "compose.style": "ビジュアルスタイル",
  "compose.extra": "その他",
  "compose.shots": "ショット（順番に）",
  "compose.addShot": "ショットを追加",
  "compose.removeShot": "ショット {n} を削除",
  "compose.constraints": "制約",
  "compose.usePrompt": "できあがるプロンプト:",
  "compose.settings": "設定",
  "compose.mode": "モード",
  "compose.tier": "品質ティア",
  "compose.channel": "チャンネル",
  "compose.aspect": "アスペクト比",
  "compose.duration": "長さ",
  "compose.seconds": "{n} 秒",
  "compose.resolution": "解像度",
  "compose.audio": "音声を生成",
  "compose.audioLabel": "音声",
  "compose.lensLabel": "レンズ",
  "compose.lens": "レンズ固定（カメラを動かさない）",
  "compose.seed": "シード",
  "compose.seedRandom": "ランダム",
  "compose.seedNew": "新しいシード",
  "compose.seedReuse": "前回のシード",
  "compose.seedHint": "空欄ならサービスが選びます。同じシードと設定なら似た映像になります。",
  "compose.references": "参照素材",
  "compose.extendsClip": "「{title}」のクリップの続き",
  "compose.extendsFrame": "「{title}」の最後のフレームからの続き",
  "compose.extendsDrop": "続きではなく新しい動画にする",
  "compose.start": "開始フレーム",
  "compose.startRole": "映像はこの画像から始まります（image-to-video）。",
  "compose.end": "終了フレーム",
  "compose.endRole": "映像はこの画像で終わります。",
  "compose.media": "メディア参照（{n} / {max}）",
  "compose.mediaRole": "人物、動き、スタイル、元動画。それぞれの役割をプロンプトに書いてください（media-to-video）。",
  "compose.dropHere": "画像やリンクをここにドロップ、URL を貼り付け、または入力:",
  "compose.localConfirm": "このコンピューターのこれらのファイルを使いますか？読み込んでストレージにアップロードします。（Web ページはドラッグする内容にコンピューター上のファイルを含められます。自分でドラッグした場合だけ使ってください。）",
  "compose.localConfirmYes": "これらのファイルを使う",
  "compose.urlPlaceholder": "https://…",
  "compose.add": "追加",
  "compose.remove": "削除",
  "compose.checking": "確認中…",
  "compose.rangeMissing": "このホストは Range リクエストに応答しません。サービスが動画を読めない可能性があります。",
  "compose.video": "動画",
  "compose.uploading": "ストレージにアップロード中: {done} / {total} KB…",
  "compose.submit": "生成",
  "compose.submitting": "送信中…",
  "compose.submitHint": "Ctrl+Enter",
  "compose.submitted": "{id} としてキューに追加しました。下書きは次のバリエーション用に残ります。",
  "compose.fixFirst": "先に次の点を直してください（何も送信していません）:",
  "compose.cost": "約 {credits} クレジット（前回の {duration} 秒 {resolution} {tier} と同じ）。",
  "compose.costPublished": "{credits} クレジット（standard・5 秒・720p の公表価格）。",
  "compose.costAccount": "約 {credits} クレジット: 通常の料金 × {factor}（このアカウントの最初の請求から求めた係数）。",
  "compose.costRates": "約 {credits} クレジット（実際のアカウントに請求された 1 秒あたりの料金による）。",
  "compose.costCarried": "およそ {credits} クレジット（この解像度の請求は未確認のため、確認済みの料金から推定）。",
  "compose.costSandbox": "サンドボックス: クレジットは消費しません。",
  "compose.confirmTitle": "この生成は約 {credits} クレジットで、使用上限 {guard} を超えます。",
  "compose.confirmYes": "それでも生成",
  "compose.confirmNo": "キャンセル",
  "compose.advice": "アドバイス",

  "rule.4kNeedsPro": "4K には pro ティアが必要です",
  "rule.plusNeedsPro": "1080p-plus には pro ティアが必要です",
  "rule.seedNotOnReal": "real チャンネルではシードを固定できません",
  "rule.seedNotOnMini": "mini ティアではシードを固定できません",
  "notice.resolutionLowered": "解像度を {from} から {to} に変更しました: 高い解像度には pro ティアが必要です。",
  "notice.seedDropped": "シードを解除しました: このティア／チャンネルでは固定できません。",
  "notice.modeChanged": "参照素材に合わせてモードを {mode} に変更しました。",

  "mode.text-to-video": "テキストから動画",
  "mode.image-to-video": "画像から動画",
  "mode.media-to-video": "メディアから動画",

  "queue.title": "キュー",
  "queue.lede": "生成の進行状況（新しい順）: 送信、生成、ダウンロード。",
  "queue.empty": "まだありません",
  "queue.emptyMore": "作成画面や seedance コマンドで送信した生成がここに表示されます。",
  "state.draft": "下書き",
  "state.queued": "待機中",
  "state.submitting": "送信中",
  "state.processing": "生成中",
  "state.downloading": "ダウンロード中",
  "state.ready": "完了",
  "state.expired": "期限切れ",
  "state.failed": "失敗",
  "state.needs_attention": "要対応",
  "library.title": "ライブラリ",
  "library.lede": "すべての生成（新しい順）。ホバーで再生、開くと詳細。",
  "library.search": "プロンプトを検索",
  "library.allModes": "すべてのモード",
  "library.allTiers": "すべてのティア",
  "library.allStates": "すべての状態",
  "library.when": "期間",
  "library.anyTime": "すべての期間",
  "library.period.today": "今日",
  "library.period.week": "過去 7 日",
  "library.period.month": "過去 30 日",
  "library.period.year": "過去 1 年",
  "library.size": "サイズ",
  "library.favourites": "お気に入りのみ",
  "library.empty": "まだ生成がありません",
  "library.emptyMore": "完了した生成がプレビュー付きでここに並びます。プロンプトで検索できます。",
  "library.none": "一致する生成はありません。",
  "library.export": "ライブラリを書き出し…",
  "library.exported": "{path} に書き出しました",
  "library.import": "ライブラリを読み込み…",
  "library.importCancelled": "何も読み込みませんでした。",
  "library.imported": "{added} 件追加、{skipped} 件は既存。",
  "library.disk": "生成ファイルのディスク使用量: {size}",
  "credits.title": "クレジット",
  "credits.total": "使用 {used}、返金 {refunded}（差引 {net}）",
  "credits.day": "{day}: 使用 {used}、返金 {refunded}",
  "detail.close": "閉じる",
  "detail.remix": "リミックス",
  "detail.extend": "延長（動画を参照）",
  "detail.extendFrame": "最終フレームから延長",
  "detail.seed": "シードを再利用",
  "detail.favourite": "お気に入り",
  "detail.unfavourite": "お気に入り解除",
  "detail.delete": "削除",
  "detail.deleteConfirm": "この生成とファイルを完全に削除しますか？",
  "detail.deleteYes": "削除する",
  "detail.reveal": "フォルダーで表示",
  "detail.open": "出力 URL を開く",
  "detail.extends": "続きの元",
  "detail.extendsFrame": "（最後のフレームから）",
  "detail.extendsClip": "（クリップから）",
  "detail.extendedBy": "この続き",
  "detail.copy": "seedance コマンドとしてコピー",
  "detail.copied": "コピーしました。",
  "detail.replaceDraft": "作成画面に下書きがあります。置き換えますか？",
  "detail.replaceYes": "下書きを置き換える",
  "detail.noVideo": "動画はこのコンピューターに保存されていません。",
  "detail.openExpired": "出力 URL の期限が切れています（サービスが出力を保管するのは一定期間だけです）。",
  "detail.openMissing": "この生成には出力 URL がありません。",
  "detail.openNotHttps": "出力 URL が https ではないため、ブラウザーでは開きません。",
  "detail.expiredNote": "出力 URL には期限があります。期限切れの場合、延長にはローカルの動画をアップロードするストレージが必要ですが、設定されていません。",
  "detail.task": "タスク",
  "detail.created": "作成",
  "detail.completed": "完了",
  "detail.credits": "クレジット",
  "detail.size": "動画サイズ",
  "detail.audioOn": "音声あり",
  "detail.audioOff": "音声なし",
  "detail.lensFixed": "レンズ固定",
  "detail.lensFree": "レンズ自由",
  "detail.media": "メディア {n}",
  "detail.kb": "{n} KB",
  "detail.error": "エラー",
  "queue.credits": "{n} クレジット",
  "queue.refunded": "{n} 返金",
  "nav.areas": "エリア",
  "queue.inFlight": "進行中",
  "queue.finished": "最近完了",
  "queue.budget": "リクエスト: 直近 {secs} 秒で {used} / {limit}",
  "queue.paused": "レート制限中: {secs} 秒停止",
  "queue.retry": "再試行",
  "queue.retryConfirm": "再試行は新しい生成となり、クレジットを再度消費します。再試行しますか？",
  "queue.retryYes": "クレジットを使って再試行",
  "queue.retryDoubleTitle": "この再試行は二重に課金される可能性があります",
  "queue.retryDoubleYes": "二重課金の可能性を承知で再試行",
  "queue.resend": "再送信",
  "queue.giveUp": "あきらめる",
  "queue.expected": "約 {secs} 秒の見込み",
  "quit.title": "{n} 件の生成が進行中です。",
  "quit.more": "サービス側で続行されます。動画は次回 Seedance Studio を開いたとき（または seedance resume）に保存されます。",
  "quit.yes": "終了",
  "quit.no": "開いたままにする",
  "settings.keychainMissing": "API キーを保存できません: このデスクトップにはアプリが使えるキーチェーンがありません。",
  "settings.keychainFix":
    "保存するには、Secret Service に対応したキーリング（GNOME Keyring や KWallet など）をインストールするかロックを解除してから、設定を開き直してください。今回の起動だけキーを使うなら、環境変数 SEEDANCE_API_KEY にキーを設定して Seedance Studio を起動してください。",
  "settings.details": "詳細",
  "settings.noticeNoKeychain": "サンドボックスモードで起動しました: このデスクトップでは API キーを保存できません（下の「API キー」を参照）。",
  "settings.liveNoKeychain": "Live には API キーが必要ですが、このデスクトップでは保存できません（下の「API キー」を参照）。",
  "settings.keychainNotSaved": "保存していません: このデスクトップにはキーを保管するキーチェーンがありません（上を参照）。",
};

export type Lang = "en" | "ja";

export const MESSAGES: Record<Lang, Record<MessageKey, string>> = { en, ja };

/** The OS language as one the UI speaks: Japanese for `ja…`, else English. */
export function languageOf(tag: string | undefined): Lang {
  return tag?.toLowerCase().startsWith("ja") ? "ja" : "en";
}

/** The message `key` in `lang`, with `{name}` placeholders filled from `vars`; numbers are
 * written the language's way (1,234 credits). */
export function translate(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return MESSAGES[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? numberIn(lang, value) : value;
  });
}

/** `n` written the way `lang` writes numbers. */
export function numberIn(lang: Lang, n: number): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** A moment (milliseconds since the epoch) as `lang` writes a date and time. */
export function dateTimeIn(lang: Lang, ms: number): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

/** What `problem` says in `lang`: its rule's words (with its values) when the core gave a
 * code, else the core's own message. */
export function problemIn(lang: Lang, problem: Problem): string {
  if (!problem.code) return problem.message;
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(problem.params)) if (value !== undefined) vars[name] = value;
  return translate(lang, `problem.${problem.code}` as MessageKey, vars);
}

/** Why `job` waits for a person, in `lang`: its reason's words (with its values) when the
 * engine gave a code, else the English it stored. */
export function attentionIn(lang: Lang, job: JobSummary): string | null {
  const attention = job.attention;
  if (!attention) return job.attention_reason;
  const vars: Record<string, string | number> = { job: job.id };
  for (const [name, value] of Object.entries(attention)) if (name !== "code") vars[name] = value;
  return translate(lang, `attention.${attention.code}` as MessageKey, vars);
}

/** What a piece of prompt advice says in `lang`, by its kind (with the word it is about). */
export function adviceIn(lang: Lang, warning: LintWarning): string {
  return translate(lang, `lint.${warning.kind}` as MessageKey, warning.token ? { token: warning.token } : {});
}

/** Where `job`'s video differs from what was asked, in `lang` ("asked 1080p 9:16, got
 * 720×1280"); null when it was delivered as asked or has not been probed. */
export function mismatchIn(lang: Lang, job: Pick<JobSummary, "resolution" | "aspect_ratio" | "delivery">): string | null {
  const d = job.delivery;
  if (!d) return null;
  if (d.unreadable) return translate(lang, "delivery.unreadable");
  const parts: string[] = [];
  const fields = new Set(d.mismatches.map((m) => m.field));
  if (fields.has("resolution") || fields.has("aspect_ratio")) {
    parts.push(translate(lang, "delivery.picture", { asked: `${job.resolution} ${job.aspect_ratio}`, got: `${d.width}×${d.height}` }));
  }
  for (const m of d.mismatches) {
    if (m.field === "duration") parts.push(translate(lang, "delivery.duration", { asked: m.asked, got: m.got }));
    if (m.field === "generate_audio") parts.push(translate(lang, "delivery.audio"));
  }
  return parts.length > 0 ? parts.join("; ") : null;
}

/** What `delivery` holds, in `lang`: size, frame rate, length and codecs. */
export function deliveryFactsIn(lang: Lang, d: Delivery): string {
  const vars = {
    // A picture's size is a pair of numbers, never grouped ("1920×1080").
    width: String(d.width),
    height: String(d.height),
    fps: Math.round(d.fps * 100) / 100,
    seconds: d.duration_s.toFixed(1),
    codecs: `${d.video_codec} / ${d.audio_codec ?? translate(lang, "delivery.noAudio")}`,
  };
  return translate(lang, d.mismatches.length === 0 && !d.unreadable ? "delivery.asAsked" : "delivery.facts", vars);
}
