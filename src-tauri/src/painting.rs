//! Where WebKitGTK paints the window: on the GPU, or on the CPU when there is no GPU.
//!
//! WebKitGTK 2.46 and later paints with Skia, by default through OpenGL. On a machine with no
//! GPU render node (a VM, a remote desktop, a CI machine), that OpenGL is Mesa's llvmpipe: the
//! GPU's work done on the CPU, with textures, caches and shader programs it keeps in the
//! content process's memory. Measured on such a machine (BENCHMARKS.md, "Where the memory
//! goes"), it cost the content process over 60 MB with the workspace open and made painting
//! no faster than Skia's own CPU rasteriser. So when no GPU can be found, the app asks WebKit
//! for CPU painting (`WEBKIT_SKIA_ENABLE_CPU_RENDERING=1`), set in `main` before any thread
//! or process starts so the content process inherits it. A value the user set, `0`
//! included (GPU painting whatever this finds), wins.

use std::path::Path;

/// The variable WebKitGTK reads in its content process: any value but `0` paints on the CPU.
pub const CPU_PAINTING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// What was decided, and why, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Painting {
    /// A GPU was found: WebKit's own default (GPU painting) stands.
    Gpu,
    /// No GPU render node, or Mesa told to render in software: CPU painting was asked for.
    Cpu,
    /// The user set `WEBKIT_SKIA_ENABLE_CPU_RENDERING`; it was left as it was.
    AsTheUserSet,
}

/// Whether this machine has a GPU that OpenGL would use: a DRM render node
/// (`/dev/dri/renderD*`) or NVIDIA's device (`/dev/nvidia0`), and Mesa not told to render in
/// software (`LIBGL_ALWAYS_SOFTWARE` true as Mesa reads it: set, and not `0`, `n`, `no`, `f`
/// or `false`).
pub fn has_gpu(dev_dri: &Path, nvidia_device: &Path, libgl_always_software: Option<&str>) -> bool {
    let software = libgl_always_software.is_some_and(|value| {
        let value = value.trim().to_ascii_lowercase();
        !["", "0", "n", "no", "f", "false"].contains(&value.as_str())
    });
    if software {
        return false;
    }
    let render_node = std::fs::read_dir(dev_dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    });
    render_node || nvidia_device.exists()
}

/// Whether this machine has a GPU, read from `/dev` and the environment (see [`has_gpu`]).
pub fn machine_has_gpu() -> bool {
    has_gpu(
        Path::new("/dev/dri"),
        Path::new("/dev/nvidia0"),
        std::env::var("LIBGL_ALWAYS_SOFTWARE").ok().as_deref(),
    )
}

/// What to do, given what the user set (`current`) and whether a GPU was found.
pub fn decide(current: Option<&str>, gpu: bool) -> Painting {
    match (current, gpu) {
        (Some(_), _) => Painting::AsTheUserSet,
        (None, true) => Painting::Gpu,
        (None, false) => Painting::Cpu,
    }
}

/// Chooses WebKit's painting for this process and the content processes it starts. Call
/// first thing in `main`, while the process has one thread.
pub fn choose() -> Painting {
    let current = std::env::var(CPU_PAINTING).ok();
    let painting = decide(current.as_deref(), machine_has_gpu());
    if painting == Painting::Cpu {
        // SAFETY: called from `main` before the runtime, the window or any other thread
        // starts: nothing reads the environment concurrently.
        unsafe { std::env::set_var(CPU_PAINTING, "1") };
    }
    painting
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_node_or_an_nvidia_device_is_a_gpu() {
        let dir = tempfile::tempdir().unwrap();
        let dri = dir.path().join("dri");
        let nvidia = dir.path().join("nvidia0");
        assert!(!has_gpu(&dri, &nvidia, None), "no /dev/dri at all");
        std::fs::create_dir(&dri).unwrap();
        // A primary node alone (a display with no render engine, as some VMs have) is not.
        std::fs::write(dri.join("card0"), b"").unwrap();
        assert!(!has_gpu(&dri, &nvidia, None));
        std::fs::write(dri.join("renderD128"), b"").unwrap();
        assert!(has_gpu(&dri, &nvidia, None));
        std::fs::remove_file(dri.join("renderD128")).unwrap();
        std::fs::write(&nvidia, b"").unwrap();
        assert!(has_gpu(&dri, &nvidia, None));
    }

    #[test]
    fn mesa_told_to_render_in_software_is_no_gpu() {
        let dir = tempfile::tempdir().unwrap();
        let dri = dir.path().join("dri");
        std::fs::create_dir(&dri).unwrap();
        std::fs::write(dri.join("renderD128"), b"").unwrap();
        let nvidia = dir.path().join("nvidia0");
        for yes in ["1", "true", "yes", " TRUE "] {
            assert!(
                !has_gpu(&dri, &nvidia, Some(yes)),
                "LIBGL_ALWAYS_SOFTWARE={yes:?}"
            );
        }
        for no in ["", "0", "false", "No", "f", "n"] {
            assert!(
                has_gpu(&dri, &nvidia, Some(no)),
                "LIBGL_ALWAYS_SOFTWARE={no:?}"
            );
        }
    }

    #[test]
    fn cpu_painting_is_asked_only_without_a_gpu_and_the_users_value_wins() {
        assert_eq!(decide(None, false), Painting::Cpu);
        assert_eq!(decide(None, true), Painting::Gpu);
        assert_eq!(decide(Some("0"), false), Painting::AsTheUserSet);
        assert_eq!(decide(Some("1"), true), Painting::AsTheUserSet);
    }
}
