#!/usr/bin/env bash
# Import real FIM exports from ../shared/fixtures/fim for the end-to-end tests, with valid
# answers for each found by the validator (antrag-server sample-answers). The fixtures are for
# test use only (their data licence is unclear): the output goes to target/, never into the repo.
# Without the fixtures folder the output is empty and the FIM end-to-end test skips itself.
set -euo pipefail

out=${1:-target/e2e-fim}
bin=${ANTRAG_SERVER_BIN:-target/debug/antrag-server}
fixtures=${ANTRAG_FIM_FIXTURES:-../shared/fixtures/fim}

rm -rf "$out"
mkdir -p "$out/examples"
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
for entry in "${schemas[@]}"; do
  id=${entry%%:*}
  file="$fixtures/${entry#*:}"
  if [ ! -f "$file" ]; then
    echo "import-fim-fixtures: $file not found; skipped" >&2
    continue
  fi
  "$bin" import-fim "$file" --codelists "$fixtures/codelists" --id "$id" -o "$out/$id.json" > "$out/$id.report.txt"
  # Valid on the test date (tests/today.txt, or ANTRAG_TEST_TODAY), like every other example.
  "$bin" sample-answers "$out/$id.json" --today "${ANTRAG_TEST_TODAY:-$(cat tests/today.txt)}" > "$out/examples/$id.answers"
  python3 -c 'import json, sys; print(json.dumps({"valid": {"generated": json.load(open(sys.argv[1]))}}, ensure_ascii=False, indent=2))' \
    "$out/examples/$id.answers" > "$out/examples/$id.json"
  rm "$out/examples/$id.answers"
done
echo "import-fim-fixtures: $(ls "$out"/*.json 2>/dev/null | wc -l) FIM schemas imported into $out" >&2
