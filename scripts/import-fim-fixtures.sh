#!/usr/bin/env bash
# Import real FIM exports from ../shared/fixtures/fim for the end-to-end tests, with valid
# answers for each found by the validator (antrag-server sample-answers). The fixtures are for
# test use only (their data licence is unclear): the output goes to target/, never into the repo.
# Without the fixtures folder the output is empty and the FIM end-to-end tests skip themselves.
#
#   scripts/import-fim-fixtures.sh [OUT] [CORPUS_OUT]
#
# OUT gets four chosen schemas (completed, checked by axe, hydrated page by page); CORPUS_OUT,
# when given, every other export in xdf3/, xdf3-corpus/ and xdf2/ (the reflow test runs on all).
set -euo pipefail

out=${1:-target/e2e-fim}
corpus_out=${2:-}
bin=${ANTRAG_SERVER_BIN:-target/debug/antrag-server}
fixtures=${ANTRAG_FIM_FIXTURES:-../shared/fixtures/fim}

rm -rf "$out" ${corpus_out:+"$corpus_out"}
mkdir -p "$out/examples" ${corpus_out:+"$corpus_out/examples"}
if [ ! -d "$fixtures" ]; then
  echo "import-fim-fixtures: $fixtures not found; the imported-FIM end-to-end tests will be skipped" >&2
  exit 0
fi

# Form id : fixture file. Two XDatenfelder 3.0.0 schemas with rules, code lists, repeated
# fields and files, one 2.0 schema with code lists and rules.
schemas=(
  "fim-s00000000371:xdf3/S00000000371/schema.xdf.xml"
  "fim-s07000000201:xdf3/S07000000201/schema.xdf.xml"
  "fim-s00000000362:xdf3/S00000000362/schema.xdf.xml"
  "fim-s05000058:xdf2/S05000058V1.0_xdf2.xml"
)
# import_one ID FILE DIR: the definition, the importer's report and valid answers.
import_one() {
  local id=$1 file=$2 dir=$3
  "$bin" import-fim "$file" --codelists "$fixtures/codelists" --id "$id" -o "$dir/$id.json" > "$dir/$id.report.txt"
  # Valid on the test date (tests/today.txt, or ANTRAG_TEST_TODAY), like every other example.
  "$bin" sample-answers "$dir/$id.json" --today "${ANTRAG_TEST_TODAY:-$(cat tests/today.txt)}" > "$dir/examples/$id.answers"
  python3 -c 'import json, sys; print(json.dumps({"valid": {"generated": json.load(open(sys.argv[1]))}}, ensure_ascii=False, indent=2))' \
    "$dir/examples/$id.answers" > "$dir/examples/$id.json"
  rm "$dir/examples/$id.answers"
}

chosen=()
for entry in "${schemas[@]}"; do
  id=${entry%%:*}
  file="$fixtures/${entry#*:}"
  if [ ! -f "$file" ]; then
    echo "import-fim-fixtures: $file not found; skipped" >&2
    continue
  fi
  import_one "$id" "$file" "$out"
  chosen+=("$file")
done
echo "import-fim-fixtures: $(ls "$out"/*.json 2>/dev/null | wc -l) FIM schemas imported into $out" >&2

if [ -n "$corpus_out" ]; then
  shopt -s nullglob
  for file in "$fixtures"/xdf3/*/schema.xdf.xml "$fixtures"/xdf3-corpus/*/schema.xdf.xml "$fixtures"/xdf2/*.xml; do
    [[ " ${chosen[*]} " == *" $file "* ]] && continue
    # fim-<schema folder or file name>, lower case: fim-s07000000248, fim-s00000009-xdatenfelder.
    name=$(basename "$file" .xml)
    [ "$name" = schema.xdf ] && name=$(basename "$(dirname "$file")")
    id=fim-$(echo "$name" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9-]/-/g')
    import_one "$id" "$file" "$corpus_out"
  done
  echo "import-fim-fixtures: $(ls "$corpus_out"/*.json 2>/dev/null | wc -l) more FIM exports imported into $corpus_out" >&2
fi
