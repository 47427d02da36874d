//! The app with no Secret Service on the bus at all: it starts in Sandbox mode and says
//! why, refuses to store a key with a message that says what to do, and stores nothing
//! anywhere else.

use studio::ConnectionMode;
use studio::desk::ErrorKind;
use studio::keychain::KeySource;
use studio::{Desk, Environment};

#[path = "support/scan.rs"]
mod scan;

use scan::files_containing;

#[path = "../crates/studio/tests/support/bare_bus.rs"]
mod bare_bus;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keychain_the_app_explains_and_runs_in_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let bus = bare_bus::BareBus::start(dir.path());
    // SAFETY: the only test in this binary, before any keychain thread exists.
    unsafe {
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    }

    let data = dir.path().join("data");
    let env = Environment {
        sandbox: Ok(studio::local_sandbox::Emulation {
            render: Some(seedance_sandbox::RenderTime::between_ms(200, 400)),
            ..Default::default()
        }),
        ..Environment::in_folder(&data)
    };
    let studio = Desk::open(env, None).await.unwrap();
    studio.start().await;
    let connection = studio.connection().await.expect("Sandbox runs");
    assert_eq!(connection.mode, ConnectionMode::Sandbox);
    let notice = studio.notice().expect("the app says why it is in Sandbox");
    assert!(
        notice.contains("No keychain is available") && notice.contains("SEEDANCE_API_KEY"),
        "{notice}"
    );

    let status = studio.key_status().await;
    assert_eq!(status.source, KeySource::None);
    assert!(!status.stored);
    assert!(status.keychain_problem.is_some());

    let secret = "sk_live_no_keychain_sentinel_31337";
    let err = studio.save_key(secret).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NeedsKey);
    assert!(err.message.contains("keyring"), "{}", err.message);
    assert!(!err.message.contains(secret));

    let err = studio.switch(ConnectionMode::Live).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NeedsKey);
    assert_eq!(
        studio.connection().await.map(|c| c.mode),
        Some(ConnectionMode::Sandbox),
        "a refused switch leaves Sandbox running"
    );
    studio.close().await;

    // Nothing was stored in plain text instead.
    let hits = files_containing(&data, secret.as_bytes());
    assert!(hits.is_empty(), "the key was written to {hits:?}");
    drop(bus);
}
