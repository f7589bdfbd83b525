# Antrag — the two commands of the README are `make run` and `make test`.
# Both bootstrap the machine first (idempotent, seconds when everything is present).

SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Debug info is not needed for tests and makes cold builds much slower (toolchain.md §6).
export CARGO_PROFILE_DEV_DEBUG ?= 0
export CARGO_TERM_COLOR ?= never

ADDR ?= 127.0.0.1:8080
DATA_DIR ?= ./data
# The Sondernutzung demo form goes end-to-end encrypted over FIT-Connect to the server's test
# destination, which checks the official metadata schema when ../shared has it.
METADATA_SCHEMA := ../shared/fixtures/fim/fit-connect/metadata.schema.v1.0.0.json
FIT_CONNECT ?= --fit-connect-test-destination --fit-connect-form sondernutzung=test $(if $(wildcard $(METADATA_SCHEMA)),--fit-connect-metadata-schema $(METADATA_SCHEMA))
# The Meldebescheinigung demo charges its fee through the test payment provider built into the
# server (no money moves; docs/payment.md says how a real XBezahldienste platform is configured).
PAYMENT ?= --test-payment-provider

# The one test date of every test layer (docs/testing.md): tests/today.txt, unless
# ANTRAG_TEST_TODAY=YYYY-MM-DD is given for the whole run.
TEST_TARGETS := test test-today test-native test-postgres test-core-module test-wasm test-e2e
$(TEST_TARGETS): export ANTRAG_TEST_TODAY := $(or $(strip $(ANTRAG_TEST_TODAY)),$(shell cat tests/today.txt))

.PHONY: run test bench build bootstrap fetch web core-module server lint test-native test-postgres test-core-module test-wasm test-e2e test-today clean

## Build the release web app and start the reference server with the demo forms on http://$(ADDR)
run: build
	./target/release/antrag-server --addr $(ADDR) --data-dir $(DATA_DIR) --forms-dir forms --codelists-dir codelists --dist-dir dist $(FIT_CONNECT) $(PAYMENT)

## Run every test: formatting, lints, native, the core module in Node and Python, wasm in headless
## Chromium, end-to-end in headless Chromium
test: test-today bootstrap fetch lint web test-native test-postgres test-core-module test-wasm test-e2e
	@echo "make test: all checks passed (test date $(ANTRAG_TEST_TODAY))"

## Browser benchmark (release build, headless Chromium, Antrag vs a hand-written baseline), the
## size report of the citizen's download, the studio's FIM import in the browser, the load figures of one and two server instances
## (SQLite, PostgreSQL), one check through the portable core module in Node, the
## FIM corpus figures (rules translated), and the core's criterion benchmarks; results in
## target/bench/results.{md,json} and target/bench/sizes.{md,json}
bench: bootstrap fetch web server
	node bench/run.mjs
	node bench/sizes.mjs
	node bench/studio.mjs
	scripts/bench-instances.sh
	mkdir -p target/core-module
	cargo run --quiet --locked -p antrag-core-wasm --bin antrag-core-cases -- --today $$(cat tests/today.txt) --out target/core-module/cases.json
	node bench/core-module.mjs target/core-module/cases.json
	@if [ -d ../shared/fixtures/fim/xdf3 ]; then ./target/release/antrag-server fim-corpus ../shared/fixtures/fim/xdf3 ../shared/fixtures/fim/xdf3-corpus --codelists ../shared/fixtures/fim/codelists | tail -4; else echo "bench: ../shared/fixtures/fim absent, FIM corpus figures skipped"; fi
	cargo bench -p antrag-core --bench core --locked -- --noplot
	cargo bench -p antrag-fim --bench import --locked -- --noplot

bootstrap:
	@scripts/bootstrap.sh

## Stop at once when the test date is not a real calendar day
test-today:
	@d='$(ANTRAG_TEST_TODAY)'; \
	if ! [[ "$$d" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$$ ]] || [ "$$(date -u -d "$$d" +%F 2>/dev/null)" != "$$d" ]; then \
	  echo "make: ANTRAG_TEST_TODAY=\"$$d\" is not a date: write a real calendar day as YYYY-MM-DD, e.g. ANTRAG_TEST_TODAY=2029-02-28" >&2; exit 2; \
	fi; echo "make: test date $$d (tests/today.txt, or ANTRAG_TEST_TODAY)"

fetch:
	cargo fetch --locked --quiet

build: bootstrap fetch web server

## The release web bundle (trunk + wasm-opt) in dist/, the authoring studio in dist/studio/ (its
## own bundle), and the portable core module in dist/core/
web:
	trunk build --release --locked
	trunk build --release --locked --config studio/Trunk.toml
	scripts/core-module.sh dist/core

## antrag-core as a portable WebAssembly module for any backend (docs/api/core-module.md)
core-module:
	scripts/core-module.sh dist/core

server:
	cargo build --release --locked -p antrag-server

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy -p antrag --target wasm32-unknown-unknown --features hydrate --all-targets --locked -- -D warnings
	cargo clippy -p antrag-studio --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
	cargo clippy -p antrag-core-wasm --target wasm32-unknown-unknown --lib --locked -- -D warnings

test-native: test-today
	cargo test --workspace --locked

# The store's tests on PostgreSQL too, and several server instances on one database (the
# conformance kit through a balancer, a load with instances killed and restarted), on a
# throwaway cluster started here and removed afterwards (scripts/postgres.sh).
test-postgres: test-today
	@scripts/postgres.sh start target/pg
	@trap 'scripts/postgres.sh stop target/pg' EXIT; \
	  export ANTRAG_TEST_DATABASE_URL="$$(cat target/pg/url)" ANTRAG_REQUIRE_POSTGRES=1; \
	  cargo test --locked -p antrag-server --lib store:: && \
	  cargo test --locked -p antrag-server --test postgres

# The module (dist/core, built by `web`) in Node and in Python (wasmtime) gives exactly the
# native core's responses to every shared example and broken definition.
test-core-module: test-today
	mkdir -p target/core-module
	cargo run --quiet --locked -p antrag-core-wasm --bin antrag-core-cases -- --today $(ANTRAG_TEST_TODAY) --out target/core-module/cases.json
	node --test hosts/node/
	cd hosts/python && ANTRAG_CORE_WASM=../../dist/core/antrag-core.wasm ANTRAG_CORE_CASES=../../target/core-module/cases.json ../../target/py/bin/python -m unittest -v

test-wasm: test-today
	cargo test -p antrag --target wasm32-unknown-unknown --features hydrate --test web --test state --locked

test-e2e: test-today
	cargo build -p antrag-server --locked
	ANTRAG_E2E_PORT=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') npx playwright test

clean:
	cargo clean
	rm -rf dist target/e2e-data
