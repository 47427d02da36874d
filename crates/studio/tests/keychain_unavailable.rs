//! With no Secret Service on the bus at all (a private bus whose configuration has no
//! service directories, so nothing can be activated), keychain calls fail with a message
//! that says what to do, and nothing crashes or is stored anywhere else.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use seedance_api::ApiKey;
use studio::keychain::{Keychain, KeychainError};

const BARE_BUS: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

#[tokio::test]
async fn no_secret_service_is_explained_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bus.conf");
    std::fs::write(&config, BARE_BUS).unwrap();
    let mut bus = Command::new("dbus-daemon")
        .arg(format!("--config-file={}", config.display()))
        .args(["--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-daemon is installed by scripts/test");
    let mut address = String::new();
    BufReader::new(bus.stdout.take().unwrap())
        .read_line(&mut address)
        .unwrap();
    // SAFETY: the only test in this binary, before any keychain thread exists.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", address.trim()) };

    let kc = Keychain::new("io.seedancestudio.test.unavailable");
    let err = kc
        .set(&ApiKey::new("sk_live_never_stored").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, KeychainError::Unavailable { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("SEEDANCE_API_KEY") && message.contains("keyring"),
        "{message}"
    );
    assert!(!message.contains("sk_live_never_stored"));
    assert!(matches!(
        kc.get().await,
        Err(KeychainError::Unavailable { .. })
    ));
    bus.kill().unwrap();
    bus.wait().unwrap();
}
