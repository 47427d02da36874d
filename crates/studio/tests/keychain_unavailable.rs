//! With no Secret Service on the bus at all (a private bus whose configuration has no
//! service directories, so nothing can be activated), keychain calls fail with a message
//! that says what to do, and nothing crashes or is stored anywhere else.

use seedance_api::ApiKey;
use studio::keychain::{Keychain, KeychainError};

mod support {
    pub mod bare_bus;
}

#[tokio::test]
async fn no_secret_service_is_explained_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let bus = support::bare_bus::BareBus::start(dir.path());
    // SAFETY: the only test in this binary, before any keychain thread exists.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus.address) };

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
    drop(bus);
}
