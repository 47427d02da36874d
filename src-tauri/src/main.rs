//! The `seedance-studio` binary: all it does is start the desktop shell.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // SAFETY: first thing in main, while this is the only thread.
    unsafe { studio::private::start_process() };
    // Before any thread starts: the web view's content process inherits both choices.
    let audio = seedance_studio::audio::choose_sink();
    let painting = seedance_studio::painting::choose();
    seedance_studio::run(audio, painting);
}
