// The workspace's words in English and Japanese: the Queue tray and its summary in the
// status bar.

export const workspaceEn = {
  "tray.rendering": "{n} rendering",
  "tray.attention": "{n} need you",
  "tray.failed": "{n} failed",
  "tray.idle": "Nothing rendering",
  "tray.close": "Close the queue",
};

export const workspaceJa: Record<keyof typeof workspaceEn, string> = {
  "tray.rendering": "{n} 件生成中",
  "tray.attention": "{n} 件要対応",
  "tray.failed": "{n} 件失敗",
  "tray.idle": "生成中のものはありません",
  "tray.close": "キューを閉じる",
};
