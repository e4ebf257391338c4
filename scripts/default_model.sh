#!/usr/bin/env bash
# Chooses and builds the model built into emo-pipe (issue 8), and measures it.
#  1. cross-corpus UAR (EmoDB -> RAVDESS and RAVDESS -> EmoDB) of each candidate
#     feature set x system x normalisation x C (sets: IS10, eGeMAPS, and
#     IS10 + eGeMAPS in one row);
#  2. the best (mean of both directions) whose model file fits the repository's
#     5 MB limit is trained on every corpus in ../shared/corpora (EmoDB +
#     RAVDESS, 4 classes) into crates/emo-model/models/default.safetensors;
#  3. held-out speakers: the same recipe trained on EmoDB + RAVDESS actors 1-8,
#     `emo-pipe classify` on actors 9-12, per speaker (--speaker-dirs) and as
#     lone clips (no speaker information).
# Writes target/results/default-model.txt (quoted in README and docs/results.md).
# About 2 minutes on 2 cores (`time`: 2 min 3 s with IS10's features already in
# target/store, eGeMAPS's and IS10 + eGeMAPS's extracted in the run).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${EMO_PIPE_SHARED:-../shared}
# BIN=path runs another build (e.g. a copy, so that rebuilding meanwhile is safe)
if [ -z "${BIN:-}" ]; then cargo build --release -q; BIN=target/release/emo-pipe; fi
W=target/results
mkdir -p $W
E=$SHARED/corpora/emodb
R=$SHARED/corpora/ravdess
OUT=$W/default-model.txt
ADAPT="--batch 32"   # DAE minibatches adapted to these corpora's size (docs/results.md)
SETS=${SETS:-is10 egemaps is10+egemaps}
CANDIDATES=${CANDIDATES:-static:minmax:1 static:minmax:10 static:speaker:1 static:speaker:10 dae:minmax:1 dae:speaker:1 loss2:speaker:1 combination:speaker:1}

uar() { python3 -c "import json,sys; print(f\"{100*json.load(open(sys.argv[1]))['systems'][0]['uar']:.1f}\")" "$1"; }

# manifests: RAVDESS actors 1-8 (training) and 9-12 (held out)
python3 - "$SHARED" "$W" <<'PY'
import os, sys
sys.path.insert(0, "scripts")
from corpora import ravdess, write_manifest
shared, out = sys.argv[1], sys.argv[2]
for name, actors in (("ravdess-1-8", range(1, 9)), ("ravdess-9-12", range(9, 13))):
    write_manifest(os.path.join(out, name + ".csv"), ravdess(shared, actors))
PY

{
echo "Cross-corpus UAR % (train -> test), gamma=scale; DAE systems with $ADAPT:"
echo "| features | system | norm | C | EmoDB -> RAVDESS | RAVDESS -> EmoDB | mean |"
echo "|---|---|---|---|---|---|---|"
} > $OUT
: > $W/candidates.txt
for set in $SETS; do
for cand in $CANDIDATES; do
  IFS=: read -r s n c <<< "$cand"
  a=$W/x-$set-$s-$n-c$c-e2r.json; b=$W/x-$set-$s-$n-c$c-r2e.json
  # REUSE=1 keeps the evaluations of an earlier run of this script
  [ -n "${REUSE:-}" ] && [ -s $a ] || $BIN evaluate --train $E --test $R --feature-set $set --system $s --norm $n --c $c $ADAPT --store target/store --json $a >/dev/null 2>&1
  [ -n "${REUSE:-}" ] && [ -s $b ] || $BIN evaluate --train $R --test $E --feature-set $set --system $s --norm $n --c $c $ADAPT --store target/store --json $b >/dev/null 2>&1
  ua=$(uar $a); ub=$(uar $b); m=$(python3 -c "print(f'{($ua+$ub)/2:.1f}')")
  echo "| $set | $s | $n | $c | $ua | $ub | $m |" >> $OUT
  echo "$m $set $s $n $c" >> $W/candidates.txt
done
done

# the lone-clip fallback pipeline (min-max, on the chosen set's features): C
# by the same cross-corpus criterion
fallback_c() { grep " $1 static minmax " $W/candidates.txt | sort -rn | head -1 | awk '{print $5}'; }

# the built-in model: the best candidate whose file (half precision, with a
# min-max fallback pipeline for lone clips) fits the repository's 5 MB limit
MODEL=crates/emo-model/models/default.safetensors
while read -r m SET SYS NORM C; do
  FC=$(fallback_c "$SET")
  $BIN train $E $R --feature-set $SET --system $SYS --norm $NORM --c $C --fallback-c $FC $ADAPT --half --store target/store -o $W/candidate.safetensors \
    --note "chosen by cross-corpus UAR: mean of EmoDB->RAVDESS and RAVDESS->EmoDB $m % (scripts/default_model.sh)" \
    --note "training data licences: EmoDB (research use), RAVDESS (CC BY-NC-SA 4.0)" 2>/dev/null
  size=$(stat -c %s $W/candidate.safetensors)
  if [ "$size" -le 5000000 ]; then
    mv $W/candidate.safetensors $MODEL
    echo "fallback pipeline for lone clips: min-max, C=$FC (the best cross-corpus min-max candidate of $SET)" >> $OUT
    echo "chosen: --feature-set $SET --system $SYS --norm $NORM --c $C (mean cross-corpus UAR $m %), $size bytes" >> $OUT
    break
  fi
  echo "skipped: --feature-set $SET --system $SYS --norm $NORM --c $C ($m %): the model file would be $size bytes (> 5 MB)" >> $OUT
done < <(sort -rn $W/candidates.txt)

# held-out speakers: the same recipe trained on EmoDB + RAVDESS actors 1-8
$BIN train $E $W/ravdess-1-8.csv --feature-set $SET --system $SYS --norm $NORM --c $C --fallback-c $FC $ADAPT --half --store target/store -o $W/heldout.safetensors 2>/dev/null
truth_uar() { # classify output (JSON lines) with truth from the file names
  python3 -c "
import sys
sys.path.insert(0, 'scripts')
from corpora import ravdess_classify_uar
u, n = ravdess_classify_uar(open(sys.argv[1]))
print(f'{u:.1f} % UAR on {n} clips')" "$1"
}
files=$(tail -n +2 $W/ravdess-9-12.csv | cut -d, -f1)  # the held-out manifest's clips
$BIN classify $files --model $W/heldout.safetensors --speaker-dirs --json > $W/heldout-speaker.jsonl
$BIN classify $files --model $W/heldout.safetensors --json > $W/heldout-lone.jsonl 2>/dev/null
echo "held-out RAVDESS actors 9-12, model trained on EmoDB + RAVDESS 1-8 (--feature-set $SET --system $SYS --norm $NORM --c $C):" >> $OUT
echo "  per speaker (--speaker-dirs): $(truth_uar $W/heldout-speaker.jsonl)" >> $OUT
echo "  lone clips (no speaker information, min-max fallback pipeline): $(truth_uar $W/heldout-lone.jsonl)" >> $OUT
cat $OUT
