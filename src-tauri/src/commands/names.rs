// The app's own IPC commands, in one list shared by build.rs (which turns it into the
// `allow-*` permissions of the ACL) and the security test (which holds it to an allowlist).
// A command missing here cannot be called from the webview.

/// Every `#[tauri::command]` the shell registers.
pub const APP_COMMANDS: &[&str] = &[
    "app_info",
    "connection_set",
    "diagnostics_export",
    "draft_check",
    "job_submit",
    "jobs_recent",
    "key_clear",
    "key_save",
    "key_status",
    "key_test",
    "reference_file",
    "reference_local",
    "reference_probe",
    "settings_get",
    "settings_save",
];
