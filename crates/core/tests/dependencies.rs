//! antrag-core stays free of web dependencies: the browser and the server share it, and any
//! Rust backend must be able to use it without a browser stack.

#[test]
fn no_web_crates_in_the_dependency_tree() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            "antrag-core",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "--all-features",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8_lossy(&output.stdout);
    let crates: Vec<&str> = tree.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert!(crates.contains(&"serde_json"), "the tree was read: {crates:?}");
    for forbidden in
        ["leptos", "web-sys", "js-sys", "wasm-bindgen", "gloo-net", "gloo-utils", "tachys", "reactive_graph"]
    {
        assert!(!crates.contains(&forbidden), "antrag-core depends on {forbidden}: {crates:?}");
    }
}
