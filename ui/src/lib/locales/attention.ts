// Why a job waits for a person, in English and Japanese, keyed by the engine's code
// (`Attention`, with its values filled in, and the job's id as {job}). A Rust test holds
// the English to the engine's own words; records made before codes show their English.

export const attentionEn = {
  "attention.outcome_unknown": "This render was first sent {hours} hours ago and whether the service accepted it is still unknown. Sending it again now could charge twice if its Idempotency-Key has been forgotten. Resend it with the original key, or mark it failed.",
  "attention.key_refused": "The API key was refused. Add a valid key, then resend this job (nothing was charged).",
  "attention.balance_too_low": "The balance was too low. Top up, then resend this job (nothing was charged).",
  "attention.redirect_refused": "The service redirected somewhere the key must not go. Check the base URL, then resend.",
  "attention.downloads_failing": "The render is done, but its video could not be downloaded in {attempts} attempts in a row (last: {error}). Try the download again (Resend in the Queue, or `seedance resume {job}`); it is never charged again.",
  "attention.task_unknown": "The service no longer knows task {task_id}. Poll again, or mark the job failed.",
};

export const attentionJa: Record<keyof typeof attentionEn, string> = {
  "attention.outcome_unknown": "この生成は {hours} 時間前に最初に送信されましたが、サービスが受け付けたかどうかはまだ分かりません。Idempotency-Key が忘れられていると、今もう一度送ると二重に課金されるおそれがあります。元のキーで再送信するか、失敗として扱ってください。",
  "attention.key_refused": "API キーが拒否されました。有効なキーを設定してから、このジョブを再送信してください（課金はされていません）。",
  "attention.balance_too_low": "残高が不足していました。チャージしてから、このジョブを再送信してください（課金はされていません）。",
  "attention.redirect_refused": "サービスが、キーを送ってはならない場所へリダイレクトしました。ベース URL を確認してから再送信してください。",
  "attention.downloads_failing": "生成は完了しましたが、動画のダウンロードが {attempts} 回続けて失敗しました（最後: {error}）。もう一度ダウンロードしてください（キューの「再送信」、または `seedance resume {job}`）。再び課金されることはありません。",
  "attention.task_unknown": "サービスはタスク {task_id} をもう把握していません。もう一度問い合わせるか、失敗として扱ってください。",
};
