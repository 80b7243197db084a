//! Embeds every file of `models/lexicon/` into the crate, so that adding a lexicon file needs
//! no code change and the default lexicon works with no files around; likewise the functional
//! fixtures, the transformer stage's default exemplar bank. With the `transformer` feature, also
//! embeds libtorch's library directory as an rpath.
use std::{env, fs, path::Path};

/// Writes `OUT_DIR/out` as a Rust slice of `(file name, include_str!(file))` over the files of
/// `dir` ending in `.ext`, sorted by name.
fn embed_dir(dir: &str, ext: &str, out: &str, required: bool) {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join(dir);
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = match fs::read_dir(&dir) {
        Ok(d) => d
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect(),
        Err(e) if required => panic!("{}: {e}", dir.display()),
        Err(_) => Vec::new(),
    };
    files.sort();
    let mut code = String::from("&[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("]\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join(out), code).unwrap();
}

fn main() {
    embed_dir("models/lexicon", "toml", "embedded_lexicon.rs", true);
    embed_dir(
        "fixtures/functional",
        "jsonl",
        "embedded_exemplars.rs",
        false,
    );

    // The transformer stage links libtorch; embed its directory as an rpath so tests, examples
    // and benches run with no LD_LIBRARY_PATH.
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if env::var_os("CARGO_FEATURE_TRANSFORMER").is_some() {
        if let Some(dir) = env::var_os("LIBTORCH") {
            let lib = Path::new(&dir).join("lib");
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
        }
    }
}
