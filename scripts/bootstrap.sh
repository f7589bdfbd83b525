#!/usr/bin/env bash
# Make a fresh Debian 12 machine ready to build, run and test Antrag. Idempotent: with
# everything present it finishes in seconds. Recipe and timings: ../shared/notes/toolchain.md.
#
# Installs: the wasm32 target, Trunk, the wasm-bindgen CLI that matches Cargo.lock exactly,
# Debian's chromium + chromium-driver, libssl-dev + pkg-config, python3-venv, postgresql, wasmtime for the Python host
# (PyPI, in target/py), and the npm packages of package-lock.json (Playwright
# test runner, axe-core, binaryen's wasm-opt). Never downloads a browser or tools from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "bootstrap: no wasm-bindgen in Cargo.lock" >&2; exit 1; }

log() { printf 'bootstrap: %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

command -v cargo >/dev/null || { echo "bootstrap: cargo not found; install Rust with rustup first (https://rustup.rs)" >&2; exit 1; }
command -v npm >/dev/null || { echo "bootstrap: npm not found; install Node.js 20 or newer" >&2; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt

# Debian packages: the browser for the tests, and OpenSSL's headers for the server's JOSE
# library (FIT-Connect test destination).
packages=()
{ have chromium Chromium && have chromedriver ChromeDriver; } || packages+=(chromium chromium-driver)
dpkg -s libssl-dev >/dev/null 2>&1 || packages+=(libssl-dev)
command -v pkg-config >/dev/null || packages+=(pkg-config)
# Python with venv: the Python host of the portable core module (hosts/python) runs on wasmtime.
python3 -c 'import venv, ensurepip' 2>/dev/null || packages+=(python3-venv)
# PostgreSQL's server programs: the tests start a throwaway cluster of their own
# (scripts/postgres.sh); no service is started or needed.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || packages+=(postgresql)
if [ ${#packages[@]} -gt 0 ]; then
  log "installing Debian packages: ${packages[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${packages[@]}" >/dev/null
fi

# The two cargo installs take ~12 and ~4 minutes on a fresh machine; run them side by side.
pids=()
if ! have trunk "trunk $TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (about 12 minutes on 2 cores)"
  # --no-default-features also drops trunk's update check, which would need the network.
  cargo install trunk --version "=$TRUNK_VERSION" --locked --no-default-features --features rustls --quiet &
  pids+=($!)
fi
if ! have wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (must equal Cargo.lock)"
  # No --locked: the crate's own lock pins a webpki-roots release this registry lacks.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --quiet &
  pids+=($!)
fi
for pid in "${pids[@]}"; do wait "$pid"; done

# npm packages, reinstalled only when the lock file changed.
stamp=node_modules/.antrag-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing npm packages (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

# The Python host's runtime (hosts/python/requirements.txt) in target/py, reinstalled when the
# requirements change.
pystamp=target/py/.antrag-requirements.sha256
pywant=$(sha256sum hosts/python/requirements.txt | cut -d' ' -f1)
if [ ! -f "$pystamp" ] || [ "$(cat "$pystamp")" != "$pywant" ]; then
  log "installing the Python host's packages (hosts/python/requirements.txt) into target/py"
  rm -rf target/py && python3 -m venv target/py
  target/py/bin/pip install --quiet --disable-pip-version-check -r hosts/python/requirements.txt
  echo "$pywant" > "$pystamp"
fi

log "ready: $(trunk --version), $(wasm-bindgen --version), $(node_modules/.bin/wasm-opt --version | cut -d' ' -f1-3), $(chromium --version 2>/dev/null | head -1)"
