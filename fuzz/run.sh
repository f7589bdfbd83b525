#!/usr/bin/env bash
# Fuzz parsing + lint + validation of antrag-core (see fuzz_targets/parse_validate.rs).
# Usage: fuzz/run.sh [seconds]   (default 600). Needs `cargo install cargo-fuzz`; runs on the
# stable toolchain through RUSTC_BOOTSTRAP=1 (cargo-fuzz passes -Z flags).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
mkdir -p corpus/parse_validate
RUSTC_BOOTSTRAP=1 cargo fuzz run parse_validate corpus/parse_validate seeds -- \
  -max_total_time="$seconds" -max_len=16384 -dict=definition.dict -print_final_stats=1
