//! The `seedance-studio` binary: all it does is start the desktop shell.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    seedance_studio::run();
}
