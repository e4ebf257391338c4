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
# the KL term with weight: squared error averaged over the 1582 inputs (the KL
# term then weighs 1582 times more) and the DAE learning rates scaled by 1582,
# so the reconstruction steps are as large as with the summed error
name=batch32-mean
$BIN evaluate $SHARED/corpora/emodb --store target/store --system dae,loss1,loss2,combination,nokl --seeds 3 \
  --batch 32 --loss-scale mean --neutral-lr 15.82 --gender-lr 15.82 --pretrain-lr 15.82 \
  --json $W/dae-$name.json > $W/dae-$name.txt
echo "== $name: emo-pipe evaluate ../shared/corpora/emodb --system dae,loss1,loss2,combination,nokl --seeds 3 --batch 32 --loss-scale mean --neutral-lr 15.82 --gender-lr 15.82 --pretrain-lr 15.82"
cat $W/dae-$name.txt
# without fine-tuning: what the neutral projections do to the pre-trained features
name=nofinetune
$BIN evaluate $SHARED/corpora/emodb --store target/store --system dae,nokl,loss2 --batch 32 --finetune-epochs 0 \
  --json $W/dae-$name.json > $W/dae-$name.txt
echo "== $name: emo-pipe evaluate ../shared/corpora/emodb --system dae,nokl,loss2 --batch 32 --finetune-epochs 0"
cat $W/dae-$name.txt
