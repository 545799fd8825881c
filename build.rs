//! The built-in theme is embedded with `include_dir!`, which cannot tell cargo which files it
//! read: without this, editing a template or the stylesheet would not rebuild the binary.

fn main() {
    for path in [
        "templates",
        "static/css",
        "static/js",
        "static/favicon.svg",
        "src/scaffold/files",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
}
