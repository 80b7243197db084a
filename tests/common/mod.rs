//! Shared by the tests that run the `tag` example as a program.
use std::path::PathBuf;
use std::process::Command;

/// Builds the `tag` example (in the test's own profile, with these cargo features) and returns
/// the path of its binary.
pub fn build_tag(features: &[&str]) -> PathBuf {
    let mut args = vec!["build", "-q", "--example", "tag"];
    if !features.is_empty() {
        args.push("--features");
        args.extend(features);
    }
    if !cfg!(debug_assertions) {
        args.push("--release");
    }
    let status = Command::new(env!("CARGO"))
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building the tag example failed");
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    dir.join("examples")
        .join(format!("tag{}", std::env::consts::EXE_SUFFIX))
}
