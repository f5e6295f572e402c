#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find. Run through
# `npm test`, which first runs scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n=== %s\n' "$*"; }

step "format and lints"
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --all-targets --features test-panic -- -D warnings

step "Rust core, natively (unit, contract and property tests)"
cargo test --quiet

step "wasm boundary, in Node (wasm-bindgen-test)"
cargo test --target wasm32-unknown-unknown --features test-panic --test wasm

step "test build of the wasm, with the deliberate-panic export"
FEATURES=test-panic bash scripts/build.sh

step "JavaScript: contract cases, hosts (Forge bundle, workerd), storage, server, faults"
node --test --test-concurrency=1 tests/node/

step "TypeScript declarations"
npx --no-install tsc --noEmit -p tests/types/tsconfig.json

step "fuzzing the core for 60 s"
bash scripts/fuzz.sh 60

step "OpenAPI: lint, and schemathesis against the local server"
bash scripts/openapi-check.sh

echo
echo "all test steps passed"
