#!/usr/bin/env bash
# The paper's Tables 2 and 3 on EmoDB (4 classes, leave one speaker out), every
# system, 3 seeds: first with the paper's settings as written, then with
# minibatches adapted to EmoDB's size. Writes target/results/dae-*.{txt,json};
# docs/results.md quotes them. About 25 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${EMO_PIPE_SHARED:-../shared}
cargo build --release -q
BIN=target/release/emo-pipe
W=target/results
mkdir -p $W
run() { # name, then extra arguments
  local name=$1; shift
  $BIN evaluate $SHARED/corpora/emodb --store target/store --system all --seeds 3 "$@" \
    --json $W/dae-$name.json > $W/dae-$name.txt
  echo "== $name: emo-pipe evaluate ../shared/corpora/emodb --system all --seeds 3 $*"
  cat $W/dae-$name.txt
}
run paper
run batch32 --batch 32
