#!/usr/bin/env bash
# Build antrag-core as the portable WebAssembly module (crates/core-wasm) into DIR:
#   DIR/antrag-core.wasm   the module (wasm32-unknown-unknown, no imports, wasm-opt -Oz)
#   DIR/antrag-core.json   its interface and core version, size in bytes and SHA-256
# Trunk runs it after each web build (dist/core/); `make core-module` runs it alone.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/core-module.sh DIR}
mkdir -p "$out"
cargo build --locked --quiet -p antrag-core-wasm --lib --target wasm32-unknown-unknown --profile wasm-release
built=target/wasm32-unknown-unknown/wasm-release/antrag_core_wasm.wasm
# A portable module imports nothing (no clock, no randomness, no host functions); it says its
# interface version itself.
interface=$(node -e '
  const m = new WebAssembly.Module(require("fs").readFileSync(process.argv[1]));
  const imports = WebAssembly.Module.imports(m).map((i) => `${i.module}.${i.name}`);
  if (imports.length) { console.error(`core-module: the module must import nothing, but imports: ${imports.join(" ")}`); process.exit(1); }
  console.log(new WebAssembly.Instance(m, {}).exports.antrag_interface());' "$built")
wasm-opt -Oz --strip-debug --strip-producers "$built" -o "$out/antrag-core.wasm"
version=$(awk -F'"' '/^version = / { print $2; exit }' crates/core/Cargo.toml)
bytes=$(stat -c %s "$out/antrag-core.wasm")
sha=$(sha256sum "$out/antrag-core.wasm" | cut -d' ' -f1)
printf '{\n  "module": "antrag-core.wasm",\n  "interface": %s,\n  "core": "%s",\n  "bytes": %s,\n  "sha256": "%s"\n}\n' "$interface" "$version" "$bytes" "$sha" > "$out/antrag-core.json"
echo "core-module: $out/antrag-core.wasm, $bytes bytes, sha256 $sha"
