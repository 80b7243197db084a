//! Embeds every file of `models/lexicon/` into the crate, so that adding a lexicon file needs
//! no code change and the default lexicon works with no files around. With the `transformer`
//! feature, also embeds libtorch's library directory as an rpath.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("models/lexicon");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("models/lexicon exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
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
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_lexicon.rs");
    fs::write(out, code).unwrap();

    // The transformer stage's default exemplar bank: the functional fixtures.
    let fx = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("fixtures/functional");
    println!("cargo:rerun-if-changed={}", fx.display());
    let mut bank: Vec<_> = fs::read_dir(&fx)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    bank.sort();
    let mut code = String::from("&[\n");
    for f in &bank {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("]\n");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_exemplars.rs");
    fs::write(out, code).unwrap();

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
