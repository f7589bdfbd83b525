// The wasm tests cannot read the environment at run time; they get ANTRAG_TEST_TODAY at compile
// time (src/lib.rs), so a change of it must rebuild this crate.
fn main() {
    println!("cargo:rerun-if-env-changed=ANTRAG_TEST_TODAY");
    println!("cargo:rerun-if-changed=../../tests/today.txt");
}
