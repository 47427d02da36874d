// The app's own IPC commands, in one list shared by build.rs (which turns it into the
// `allow-*` permissions of the ACL) and the security test (which holds it to an allowlist).
// A command missing here cannot be called from the webview.

/// Every `#[tauri::command]` the shell registers.
pub const APP_COMMANDS: &[&str] = &[
    "app_info",
    "app_quit",
    "budget_status",
    "connection_set",
    "credits_summary",
    "diagnostics_export",
    "draft_check",
    "job_act",
    "job_delete",
    "job_detail",
    "job_favourite",
    "job_submit",
    "jobs_recent",
    "key_clear",
    "key_save",
    "key_status",
    "key_test",
    "library_export",
    "library_import",
    "library_page",
    "open_url",
    "reference_file",
    "reference_local",
    "reference_probe",
    "render_reference",
    "reveal_render",
    "settings_get",
    "settings_save",
    "storage_check",
    "storage_secret_save",
];
