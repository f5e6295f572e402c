#!/usr/bin/env bash
# Fuzzes the pure Rust core for SECONDS (default 60): raw bytes become a request that goes
# through the whole handler over in-memory storage (fuzz/fuzz_targets/handle.rs). The checked-in
# corpus seeds the run from a temporary copy, so the tree is never written to. Any crash, panic,
# failed invariant or slow input fails the script; libFuzzer saves the input under
# fuzz/artifacts/handle/ (git ignores it).
#
# Installs what is missing, and nothing that is there: the nightly toolchain (cargo fuzz needs
# it for the sanitizer flags) and cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

TARGET=handle
CARGO_FUZZ_VERSION=0.13.2
duration="${1:-60}"
if ! [[ "$duration" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS]   (a whole number of seconds, default 60)" >&2
  exit 2
fi

say() { printf '[fuzz] %s\n' "$*" >&2; }

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  say "installing the nightly toolchain"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION (about 2 minutes, once)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "fuzz/corpus/$TARGET/." "$work/"
say "fuzzing $TARGET for $duration s from $(find "$work" -type f | wc -l) seed inputs"

# -timeout: an input that takes 10 s counts as a hang. -max_len matches the corpus's run.
if ! cargo +nightly fuzz run "$TARGET" "$work" -- \
  -max_total_time="$duration" -timeout=10 -max_len=4096 -dict="$PWD/fuzz/$TARGET.dict" \
  -print_final_stats=1; then
  say "FAILED: the input is in fuzz/artifacts/$TARGET/;" \
    "reproduce with: cargo +nightly fuzz run $TARGET fuzz/artifacts/$TARGET/<file>"
  exit 1
fi
say "no crash in $duration s; new inputs stayed in the temporary copy"
