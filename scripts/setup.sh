#!/usr/bin/env bash
# Installs whatever is missing, and nothing that is already there: the wasm target, the pinned
# wasm-bindgen CLI (about 5 minutes, once per machine), the npm packages, then builds the wasm
# when its sources changed. Safe to run before every start and every test run.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
TARGET=wasm32-unknown-unknown
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '[setup] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx "$TARGET"; then
  say "adding the Rust target $TARGET"
  rustup target add "$TARGET"
fi

# The shipped module is built with nightly's -Zbuild-std (scripts/build.sh), which needs the
# standard library's source; cargo fuzz needs nightly too.
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  say "installing the nightly toolchain with rust-src"
  rustup toolchain install nightly --profile minimal --component rust-src
elif ! rustup component list --toolchain nightly --installed | grep -q '^rust-src'; then
  say "adding rust-src to nightly, for the shipped build"
  rustup component add rust-src --toolchain nightly
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes, once)"
  # Not --locked: the CLI's lock file pins a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.setup-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  say "installing npm packages (better-sqlite3 compiles once, about 80 s)"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.setup-lock-hash
fi

src_hash=$(cat Cargo.toml Cargo.lock src/*.rs scripts/build.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat js/pkg/.build-hash 2>/dev/null)" != "$src_hash" ]; then
  say "building the wasm"
  bash scripts/build.sh
  echo "$src_hash" > js/pkg/.build-hash
fi
