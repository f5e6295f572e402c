#!/usr/bin/env bash
# Instructions per request, counted by callgrind: deterministic where wall time on a shared
# machine is not (identical builds differed by 15% in time here). Node runs single-threaded
# and optimises wasm up front, so two runs of one build agree to about 0.1%; a JIT decision
# can still move the figure by a few percent between builds.
#
# Usage: bash bench/instructions.sh [module] [case]   (defaults: js/index.js, 0 = the seed's
# example; 1 = 50 tags, 2 = wrong secret). Needs valgrind. About a minute per module.
set -euo pipefail
cd "$(dirname "$0")/.."
module="${1:-js/index.js}"
case_index="${2:-0}"
FEW=2000
MANY=12000

count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    node --single-threaded --no-liftoff --predictable-gc-schedule \
    bench/instructions.js "$module" "$case_index" "$1" 2>&1 |
    awk '/Collected/ { print $4 }'
}
few=$(count "$FEW")
many=$(count "$MANY")
echo "$module, case $case_index: $(((many - few) / (MANY - FEW))) instructions per request"
