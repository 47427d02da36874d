//! Security configuration held to an explicit allowlist.
//!
//! The CSP and the main window's capability are code: widening the CSP has to change the
//! list in these tests, and the capability must permit exactly the commands listed once in
//! `commands/names.rs` (a reviewed file) and the core events.

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

    /// The core permissions the main window holds besides one `allow-*` per app command.
    const CORE_PERMISSIONS: &[&str] = &["core:event:allow-listen", "core:event:allow-unlisten"];

    /// The permissions the main window must hold: the core ones, and one per command in
    /// `commands/names.rs` (the only list of commands).
    fn expected_permissions() -> Vec<String> {
        let mut all: Vec<String> = CORE_PERMISSIONS.iter().map(|p| p.to_string()).collect();
        all.extend(
            APP_COMMANDS
                .iter()
                .map(|c| format!("allow-{}", c.replace('_', "-"))),
        );
        all.sort();
        all
    }

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
        assert_eq!(
            permissions,
            expected_permissions(),
            "capabilities/main.json must permit exactly the core events and the commands of commands/names.rs"
        );
    }

    #[test]
    fn commands_are_listed_once_with_plain_names() {
        let mut sorted = APP_COMMANDS.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), APP_COMMANDS.len(), "a command listed twice");
        assert!(
            APP_COMMANDS
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')),
            "{APP_COMMANDS:?}"
        );
    }

    #[test]
    fn main_window_takes_no_native_drops() {
        // HTML5 drag and drop (URLs and images from a browser, reordering) needs the
        // window's own drop handling off.
        assert_eq!(conf()["app"]["windows"][0]["dragDropEnabled"], false);
    }
}
