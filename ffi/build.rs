//! Generates the C header from the exported functions into OUT_DIR; the checked-in
//! `include/redwood.h` must equal it (a test compares them; `REDWOOD_UPDATE_HEADER=1` rewrites it).

/// The one file of redwood-core that cbindgen reads (the crate itself is not parsed: see cbindgen.toml).
const COLUMN_KINDS: &str = "../core/src/client/column_kind.rs";

fn main() {
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("redwood.h");
    let config = cbindgen::Config::from_file(format!("{crate_dir}/cbindgen.toml")).expect("ffi/cbindgen.toml");
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        // The column type codes are core's (`client::ColumnKind`): the header declares them.
        .with_src(format!("{crate_dir}/{COLUMN_KINDS}"))
        .generate()
        .expect("the C header generates")
        .write_to_file(&out);
    if std::env::var("REDWOOD_UPDATE_HEADER").is_ok_and(|v| v == "1") {
        std::fs::copy(&out, format!("{crate_dir}/../include/redwood.h")).expect("write include/redwood.h");
    }
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed={COLUMN_KINDS}");
    println!("cargo:rerun-if-env-changed=REDWOOD_UPDATE_HEADER");
}
