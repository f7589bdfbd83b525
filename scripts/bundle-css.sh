#!/bin/sh
# Concatenate style/*.css into target/antrag.css: tokens and base first, then the component
# files in name order. Trunk links the result (index.html) and gives it a content hash.
set -eu
cd "$(dirname "$0")/.."
mkdir -p target
out=target/antrag.css.tmp
: > "$out"
for f in style/tokens.css style/base.css; do cat "$f" >> "$out"; echo >> "$out"; done
for f in style/*.css; do
  case "$f" in style/tokens.css|style/base.css|style/print.css) continue ;; esac
  cat "$f" >> "$out"; echo >> "$out"
done
cat style/print.css >> "$out"
mv "$out" target/antrag.css
