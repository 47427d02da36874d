//! Security configuration held to an explicit allowlist.
//!
//! The CSP, the main window's capability and the app's command list are code: any widening
//! has to change the lists in these tests too, so it is a reviewed change.

#[cfg(test)]
mod tests {
    use serde_json::Value;
    use std::collections::BTreeMap;

    use crate::commands::APP_COMMANDS;

    const TAURI_CONF: &str = include_str!("../../tauri.conf.json");
    const MAIN_CAPABILITY: &str = include_str!("../capabilities/main.json");

    /// Every CSP directive the app may have, exactly.
    const CSP_ALLOWLIST: &[(&str, &str)] = &[
        ("base-uri", "'none'"),
        ("connect-src", "ipc: http://ipc.localhost"),
        ("default-src", "'self'"),
        ("font-src", "'self'"),
        ("form-action", "'none'"),
        ("frame-ancestors", "'none'"),
        // The loopback media server (a random port per launch, a token in every path).
        ("img-src", "'self' data: blob: http://127.0.0.1:*"),
        ("media-src", "'self' blob: http://127.0.0.1:*"),
        ("object-src", "'none'"),
        ("script-src", "'self'"),
        ("style-src", "'self'"),
    ];

    /// Every permission the main window holds, exactly.
    const PERMISSION_ALLOWLIST: &[&str] = &[
        "allow-app-info",
        "allow-app-quit",
        "allow-budget-status",
        "allow-connection-set",
        "allow-credits-summary",
        "allow-diagnostics-export",
        "allow-draft-check",
        "allow-draft-load",
        "allow-draft-save",
        "allow-job-act",
        "allow-job-delete",
        "allow-job-detail",
        "allow-job-favourite",
        "allow-job-submit",
        "allow-jobs-recent",
        "allow-key-clear",
        "allow-key-save",
        "allow-key-status",
        "allow-key-test",
        "allow-library-export",
        "allow-library-import",
        "allow-library-page",
        "allow-open-url",
        "allow-page-notice",
        "allow-reference-file",
        "allow-reference-local",
        "allow-reference-probe",
        "allow-render-reference",
        "allow-reveal-render",
        "allow-settings-get",
        "allow-settings-save",
        "allow-storage-check",
        "allow-storage-secret-save",
        "core:event:allow-listen",
        "core:event:allow-unlisten",
    ];

    /// Every IPC command the app registers, exactly.
    const COMMAND_ALLOWLIST: &[&str] = &[
        "app_info",
        "app_quit",
        "budget_status",
        "connection_set",
        "credits_summary",
        "diagnostics_export",
        "draft_check",
        "draft_load",
        "draft_save",
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
        "page_notice",
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

    fn conf() -> Value {
        serde_json::from_str(TAURI_CONF).unwrap()
    }

    #[test]
    fn csp_is_exactly_the_allowlist() {
        let csp: BTreeMap<String, String> =
            serde_json::from_value(conf()["app"]["security"]["csp"].clone())
                .expect("the CSP must be an object of directives, never null");
        let allowed: BTreeMap<String, String> = CSP_ALLOWLIST
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(csp, allowed);
        for value in csp.values() {
            assert!(!value.contains("unsafe-eval"), "unsafe-eval in the CSP");
            assert!(
                !value.contains("https:"),
                "a remote origin in the CSP: {value}"
            );
        }
    }

    #[test]
    fn prototype_is_frozen_and_no_global_tauri() {
        let conf = conf();
        assert_eq!(conf["app"]["security"]["freezePrototype"], true);
        assert_eq!(conf["app"]["withGlobalTauri"], false);
        assert!(conf["app"]["security"]["dangerousDisableAssetCspModification"].is_null());
    }

    #[test]
    fn one_capability_for_the_main_window_with_exactly_the_allowlist() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/capabilities");
        let files: Vec<_> = std::fs::read_dir(dir).unwrap().collect();
        assert_eq!(files.len(), 1, "one capability file only");

        let cap: Value = serde_json::from_str(MAIN_CAPABILITY).unwrap();
        assert_eq!(cap["windows"], serde_json::json!(["main"]));
        assert!(cap["webviews"].is_null() && cap["remote"].is_null());
        let mut permissions: Vec<String> =
            serde_json::from_value(cap["permissions"].clone()).unwrap();
        permissions.sort();
        assert_eq!(permissions, PERMISSION_ALLOWLIST);
    }

    #[test]
    fn commands_are_exactly_the_allowlist_and_each_is_permitted() {
        assert_eq!(APP_COMMANDS, COMMAND_ALLOWLIST);
        for command in APP_COMMANDS {
            let permission = format!("allow-{}", command.replace('_', "-"));
            assert!(
                PERMISSION_ALLOWLIST.contains(&permission.as_str()),
                "{command} has no permission in the main capability"
            );
        }
    }

    #[test]
    fn main_window_takes_no_native_drops() {
        // HTML5 drag and drop (URLs and images from a browser, reordering) needs the
        // window's own drop handling off.
        assert_eq!(conf()["app"]["windows"][0]["dragDropEnabled"], false);
    }
}
