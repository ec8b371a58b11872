#!/usr/bin/env bash
# Training benchmark: winnow's GBDT vs XGBoost hist on the same 1,000,000 × 30 synthetic alerts.
# Usage: bash bench/training.sh [rows]   (needs Debian's python3-xgboost and python3-sklearn)
# Prints one JSON line per trainer; copy them into BENCHMARKS.md with the date.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
data=bench/data/$rows
if [ ! -f "$data/meta.json" ]; then
  npx tsx bench/make-training-data.ts --rows "$rows" --test-rows $((rows / 4)) --seed 7 --out "$data"
fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
npx tsx bench/train-winnow.ts --data "$data" --trees 300 --depth 6 --threads 2
/usr/bin/python3 bench/xgboost_hist.py --data "$data" --trees 300 --depth 6 --threads 2
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
