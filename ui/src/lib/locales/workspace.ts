// The workspace's words in English and Japanese: the stage and its feed of this session's
// renders, the Queue tray and its summary in the status bar, the Generate button.

export const workspaceEn = {
  "tray.rendering": "{n} rendering",
  "tray.attention": "{n} need you",
  "tray.failed": "{n} failed",
  "tray.idle": "Nothing rendering",
  "tray.close": "Close the queue",
  "feed.title": "This session's renders",
  "feed.emptyTitle": "Your renders play here",
  "feed.empty": "Write a prompt and press Generate: the clip appears here as it renders, then plays.",
  "feed.left": "about {secs} s left",
  "feed.almost": "almost done",
  "feed.reuse": "Reuse",
  "feed.extend": "Extend",
  "compose.generate": "Generate · {n} credits",
  "compose.generateFree": "Generate",
};

export const workspaceJa: Record<keyof typeof workspaceEn, string> = {
  "tray.rendering": "{n} 件生成中",
  "tray.attention": "{n} 件要対応",
  "tray.failed": "{n} 件失敗",
  "tray.idle": "生成中のものはありません",
  "tray.close": "キューを閉じる",
  "feed.title": "このセッションの生成",
  "feed.emptyTitle": "生成した動画はここで再生されます",
  "feed.empty": "プロンプトを書いて「生成」を押すと、生成中の様子がここに表示され、完成すると再生されます。",
  "feed.left": "残り約 {secs} 秒",
  "feed.almost": "まもなく完了",
  "feed.reuse": "再利用",
  "feed.extend": "延長",
  "compose.generate": "生成 · {n} クレジット",
  "compose.generateFree": "生成",
};
