//! Embeds the user guide's screenshots: every PNG in `guide/img`, as `e2e/guide-shots.sh` wrote
//! them, so that re-taking the screenshots needs no change to the code.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read when the script runs, not baked in when it is compiled: cargo reuses a compiled build
    // script for another checkout of the crate sharing the target folder (a git worktree).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("guide/img");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("guide images in {}: {e}", dir.display()))
        .map(|entry| entry.expect("guide image entry").file_name())
        .map(|name| name.into_string().expect("guide image names are UTF-8"))
        .filter(|name| name.ends_with(".png"))
        .collect();
    // Sorted, so the generated list (and the fingerprint over it) does not depend on the disk.
    names.sort();
    let mut out = String::from("pub(crate) const IMAGES: &[(&str, &[u8])] = &[\n");
    for name in names {
        let path = dir.join(&name);
        writeln!(out, "    ({name:?}, include_bytes!({:?})),", path.display()).unwrap();
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("guide_images.rs");
    std::fs::write(target, out).expect("write guide_images.rs");
}
