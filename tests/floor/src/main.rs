//! The floor: a bare Tauri 2 hello-world, started the same way as Seedance Studio by the
//! startup benchmark (`scripts/bench-startup`). Whatever the app costs above this is ours.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the hello-world window could not start");
}
