#!/usr/bin/env bash
# Rebuilds docs/results.md: the static-feature baseline (IS10 + min-max + RBF SVM),
# leave one speaker out on EmoDB. About 2 minutes on 2 cores (the first run also
# extracts EmoDB into the feature store target/store).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${EMO_PIPE_SHARED:-../shared}
cargo build --release -q
BIN=target/release/emo-pipe
W=target/results
mkdir -p $W
OUT=docs/results.md
EMODB=$SHARED/corpora/emodb
SEVEN=anger,boredom,disgust,fear,happiness,sadness,neutral

uar() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['systems'][0]; print(f\"{100*r['uar']:.1f} | {100*r['war']:.1f}\")" "$1"; }

row() { # label, json name, then the evaluate arguments
  local label=$1 name=$2; shift 2
  $BIN evaluate "$@" --json $W/$name.json --store target/store >/dev/null 2>&1 || true
  echo "| $label | $(uar $W/$name.json) | \`emo-pipe evaluate $(echo "$@" | sed "s|$SHARED|../shared|g")\` |"
}

{
cat <<'HEAD'
# Results

Every number here was produced by `scripts/results_static.sh`, which runs the command
in the last column (UAR = unweighted average recall, WA = weighted accuracy, in %).
Leave one speaker out: 10 folds on EmoDB; min-max fitted on the training speakers of
each fold only; RBF SVM, one-vs-one with majority vote (libsvm's scheme), γ = 'scale'
(1 / (features × variance of the training data)) unless `--grid` chooses C and γ by an
inner leave-one-speaker-out search on the training speakers.

## Static features + SVM (the paper's first row)

### EmoDB, 4 classes (anger, happiness, sadness, neutral; 339 utterances)

| features, SVM | UAR | WA | command |
|---|---|---|---|
HEAD
row "openSMILE's IS10 (reference CSV), C=1" ref-c1 $EMODB --features $SHARED/reference/is10/emodb.csv --c 1
row "openSMILE's IS10 (reference CSV), C=10" ref-c10 $EMODB --features $SHARED/reference/is10/emodb.csv --c 10
row "emo-pipe IS10, C=1" own-c1 $EMODB --c 1
row "emo-pipe IS10, C=10" own-c10 $EMODB --c 10
row "emo-pipe IS10 with openSMILE's loudness, C=1" os3-c1 $EMODB --c 1 --loudness opensmile3
row "emo-pipe IS10 with openSMILE's loudness, C=10" os3-c10 $EMODB --c 10 --loudness opensmile3
row "emo-pipe IS10-compat, C=1" compat-c1 $EMODB --c 1 --feature-set is10-compat
row "emo-pipe IS10, inner grid search" own-grid $EMODB --grid
row "openSMILE's IS10, inner grid search" ref-grid $EMODB --features $SHARED/reference/is10/emodb.csv --grid
cat <<'MID'

scikit-learn's `SVC` on the same reference features, folds and settings gives 0.840 (C=1)
and 0.833 (C=10) (`../shared/README.md`; rerun side by side with
`python3 bench/svm_vs_sklearn.py`, docs/performance.md).

### EmoDB, all 7 classes (535 utterances)

| features, SVM | UAR | WA | command |
|---|---|---|---|
MID
row "openSMILE's IS10 (reference CSV), C=1" ref7-c1 $EMODB --features $SHARED/reference/is10/emodb.csv --c 1 --classes $SEVEN
row "openSMILE's IS10 (reference CSV), C=10" ref7-c10 $EMODB --features $SHARED/reference/is10/emodb.csv --c 10 --classes $SEVEN
row "emo-pipe IS10, C=1" own7-c1 $EMODB --c 1 --classes $SEVEN
row "emo-pipe IS10, C=10" own7-c10 $EMODB --c 10 --classes $SEVEN
echo
echo "scikit-learn, reference features, C=10: 0.757 (\`../shared/README.md\`)."
cat <<'CROSS'

## Across corpora (4 classes)

UAR in %, train → test. `minmax` is the paper's normalisation; `speaker` standardises
each speaker's features over that speaker's own clips (test speakers included: it needs
several clips per speaker, no labels), then min-max. Each cell's command is
`emo-pipe evaluate --train A --test B --norm N --c C` (or `emo-pipe evaluate A --norm N --c C`
for leave one speaker out), with `--features ../shared/reference/is10/{emodb,ravdess}.csv`
for the openSMILE rows. scikit-learn's figures on openSMILE's features are from
`../shared/README.md`.

| setup | features | minmax C=1 | minmax C=10 | speaker C=1 | speaker C=10 |
|---|---|---|---|---|---|
CROSS
RAV=$SHARED/corpora/ravdess
REFS="--features $SHARED/reference/is10/emodb.csv --features $SHARED/reference/is10/ravdess.csv"
cell() { # json name, args...
  local name=$1; shift
  $BIN evaluate "$@" --json $W/$name.json --store target/store >/dev/null 2>&1 || true
  python3 -c "import json,sys; print(f\"{100*json.load(open(sys.argv[1]))['systems'][0]['uar']:.1f}\")" $W/$name.json
}
for setup in "EmoDB → RAVDESS|--train $EMODB --test $RAV" "RAVDESS → EmoDB|--train $RAV --test $EMODB" "RAVDESS, leave one speaker out|$RAV" "EmoDB, leave one speaker out|$EMODB"; do
  label=${setup%%|*}; args=${setup#*|}
  for feats in ref own; do
    extra=""; fname="emo-pipe IS10"
    if [ $feats = ref ]; then extra=$REFS; fname="openSMILE IS10"; fi
    line="| $label | $fname"
    for norm in minmax speaker; do
      for c in 1 10; do
        line="$line | $(cell x-$feats-$norm-$c $args $extra --norm $norm --c $c)"
      done
    done
    echo "$line |"
  done
done
cat <<'SK'
| EmoDB → RAVDESS | scikit-learn, openSMILE IS10 | 28.9 | 33.1 | 54.4 | 55.2 |
| RAVDESS → EmoDB | scikit-learn, openSMILE IS10 | 25.0 | 25.0 | 53.3 | 52.5 |
| RAVDESS, leave one speaker out | scikit-learn, openSMILE IS10 | 57.0 | 64.6 | 72.4 | 73.4 |
| EmoDB, leave one speaker out | scikit-learn, openSMILE IS10 | 84.0 | 83.3 | 87.5 | 90.3 |
SK
echo
echo "### Per class and confusion: emo-pipe IS10, 4 classes, C=1"
echo
echo '```'
$BIN evaluate $EMODB --c 1 --store target/store 2>/dev/null
echo '```'
} > $OUT
echo "wrote $OUT"
