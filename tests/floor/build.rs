//! Embeds the hello-world page and the window configuration.

fn main() {
    tauri_build::build();
}
