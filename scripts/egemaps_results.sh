#!/usr/bin/env bash
# eGeMAPS and GeMAPS + SVM beside IS10 + SVM, with emo-pipe's features and with
# openSMILE's reference features (../shared/reference; GeMAPS from opensmile-python
# by scripts/gemaps_reference.py, which needs the opensmile wheel), on EmoDB
# leave-one-speaker-out and
# across corpora (EmoDB -> RAVDESS, RAVDESS -> EmoDB; min-max and per-speaker
# normalisation). Prints one table (UAR %); docs/results.md quotes it.
#   bash scripts/egemaps_results.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${EMO_PIPE_SHARED:-../shared}"
out="${1:-target/egemaps-results}"
mkdir -p "$out"
cargo build -q --release -p emo-pipe
bin=target/release/emo-pipe
for set in egemaps gemaps is10; do
  [ -s "$out/emodb-$set.csv" ] || "$bin" extract "$shared/corpora/emodb" --feature-set "$set" -o "$out/emodb-$set.csv" 2>/dev/null
  [ -s "$out/ravdess-$set.csv" ] || "$bin" extract "$shared/corpora/ravdess" --feature-set "$set" -o "$out/ravdess-$set.csv" 2>/dev/null
done
[ -s "$out/opensmile-gemaps/ravdess.csv" ] || python3 scripts/gemaps_reference.py "$out/opensmile-gemaps" >/dev/null
uar() { "$bin" evaluate "$@" 2>/dev/null | sed -n 's/^UAR \([0-9.]*\)%.*/\1/p' | head -1; }
printf '%-10s %-9s %-24s %8s\n' set features protocol "UAR %"
for set in egemaps gemaps is10; do
  for src in emo-pipe openSMILE; do
    if [ "$src" = emo-pipe ]; then e="$out/emodb-$set.csv"; r="$out/ravdess-$set.csv"
    elif [ "$set" = gemaps ]; then e="$out/opensmile-gemaps/emodb.csv"; r="$out/opensmile-gemaps/ravdess.csv"
    else e="$shared/reference/$set/emodb.csv"; r="$shared/reference/$set/ravdess.csv"; fi
    printf '%-10s %-9s %-24s %8s\n' "$set" "$src" "EmoDB LOSO" "$(uar "$shared/corpora/emodb" --features "$e")"
    for norm in minmax speaker; do
      printf '%-10s %-9s %-24s %8s\n' "$set" "$src" "EmoDB->RAVDESS $norm" \
        "$(uar --train "$shared/corpora/emodb" --test "$shared/corpora/ravdess" --norm "$norm" --features "$e" --features "$r")"
      printf '%-10s %-9s %-24s %8s\n' "$set" "$src" "RAVDESS->EmoDB $norm" \
        "$(uar --train "$shared/corpora/ravdess" --test "$shared/corpora/emodb" --norm "$norm" --features "$e" --features "$r")"
    done
  done
done
