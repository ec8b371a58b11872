#!/usr/bin/env bash
# Training benchmark: winnow's GBDT vs XGBoost hist on the same 1,000,000 × 30 synthetic alerts.
# Usage: bash bench/training.sh [rows] [rounds]   (needs Debian's python3-xgboost and python3-sklearn)
# The two trainers alternate for `rounds` rounds (default 3), so both see the same machine
# conditions; each prints one JSON line. Copy them into BENCHMARKS.md with the date.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
rounds=${2:-3}
data=bench/data/$rows
if [ ! -f "$data/meta.json" ]; then
  npx tsx bench/make-training-data.ts --rows "$rows" --test-rows $((rows / 4)) --seed 7 --out "$data"
fi
for round in $(seq "$rounds"); do
  echo "round $round, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  npx tsx bench/train-winnow.ts --data "$data" --trees 300 --depth 6 --threads 2 2>/dev/null
  /usr/bin/python3 bench/xgboost_hist.py --data "$data" --trees 300 --depth 6 --threads 2
done
