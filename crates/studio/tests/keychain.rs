//! The real OS keychain. `scripts/test` runs the tests on a private session bus with an
//! unlocked gnome-keyring; each test uses its own service name, so no user entry is touched.

use seedance_api::ApiKey;
use studio::keychain::{KeySource, Keychain};

mod support {
    pub mod secret_tool;
}

fn test_keychain() -> Keychain {
    Keychain::new(format!(
        "io.seedancestudio.test.{}.{:08x}",
        std::process::id(),
        fastrand::u32(..)
    ))
}

#[tokio::test]
async fn set_replace_test_and_clear_in_the_real_keychain() {
    let kc = test_keychain();
    assert!(!kc.is_stored().await.unwrap());
    assert_eq!(kc.get().await.unwrap(), None);
    kc.set(&ApiKey::new("sk_live_first").unwrap())
        .await
        .unwrap();
    kc.set(&ApiKey::new("sk_live_sentinel_4242").unwrap())
        .await
        .unwrap();
    assert!(kc.is_stored().await.unwrap());
    assert_eq!(
        kc.get().await.unwrap().unwrap().expose(),
        "sk_live_sentinel_4242"
    );
    // The Secret Service itself holds it, replaced, under the app's names.
    assert_eq!(
        support::secret_tool::lookup_api_key(kc.service()).as_deref(),
        Some("sk_live_sentinel_4242")
    );
    assert!(kc.clear().await.unwrap());
    assert!(!kc.clear().await.unwrap(), "clearing twice is not an error");
    assert_eq!(support::secret_tool::lookup_api_key(kc.service()), None);
    assert!(!kc.is_stored().await.unwrap());
}

#[tokio::test]
async fn without_a_key_in_the_environment_the_keychain_is_the_source() {
    let kc = test_keychain();
    assert_eq!(kc.resolve(None).await.unwrap().1, KeySource::None);
    kc.set(&ApiKey::new("sk_live_from_keychain").unwrap())
        .await
        .unwrap();
    let (key, source) = kc.resolve(None).await.unwrap();
    assert_eq!(source, KeySource::Keychain);
    assert_eq!(key.unwrap().expose(), "sk_live_from_keychain");
    // A key in the process's environment overrides the stored one.
    let from_env = ApiKey::new("sk_live_from_environment").unwrap();
    let (key, source) = kc.resolve(Some(&from_env)).await.unwrap();
    assert_eq!(source, KeySource::Environment);
    assert_eq!(key.unwrap().expose(), "sk_live_from_environment");
    kc.clear().await.unwrap();
}
