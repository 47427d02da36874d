//! The `seedance-studio` binary: all it does is start the desktop shell.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before any thread starts: the web view's content process inherits the choice.
    let audio = seedance_studio::audio::choose_sink();
    seedance_studio::run(audio);
}
