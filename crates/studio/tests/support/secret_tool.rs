//! Looking at the keychain from outside the app, as a person would: `secret-tool lookup`
//! (Debian libsecret-tools, installed by scripts/test).

use std::process::Command;

/// The API key stored under `service`, as the Secret Service hands it to any client.
pub fn lookup_api_key(service: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", "api-key"])
        .output()
        .expect("secret-tool (Debian libsecret-tools) is installed by scripts/test");
    (out.status.success() && !out.stdout.is_empty()).then(|| String::from_utf8(out.stdout).unwrap())
}
