//! Builds the desktop shell: checks that the web UI has been built, and gives tauri-build
//! the capabilities folder and the allowlist of the app's own IPC commands.

include!("src/commands/names.rs");

fn main() {
    let dist = std::path::Path::new("ui/dist/index.html");
    println!("cargo:rerun-if-changed=ui/dist");
    if !dist.exists() {
        panic!(
            "ui/dist/index.html is missing: build the web UI first with `npm --prefix ui ci && npm --prefix ui run build` (scripts/run and scripts/test do this for you)"
        );
    }
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(APP_COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
