#!/usr/bin/env bash
# Execute every notebook headless with the tslab (TypeScript) kernel, on small generated data.
# A notebook that raises fails the run. Executed copies, charts included, go to tmp/notebooks
# (or NOTEBOOK_OUT); with --inplace the notebooks here are rewritten with their outputs.
#
# Needs Debian's python3-nbconvert python3-ipykernel jupyter-notebook (.ci/run installs them)
# and the npm devDependency tslab. Usage: bash notebooks-ts/run.sh [--inplace] [NOTEBOOK…]
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd .. && pwd)
INPLACE=0
if [ "${1:-}" = "--inplace" ]; then INPLACE=1; shift; fi
NOTEBOOKS=("$@")
[ ${#NOTEBOOKS[@]} -eq 0 ] && NOTEBOOKS=(*.ipynb)
# The kernel spec goes in a folder of the checkout, not the user's Jupyter config.
KERNELS="$ROOT/tmp/jupyter"
"$ROOT/node_modules/.bin/tslab" install --python=/usr/bin/python3 --binary="$ROOT/node_modules/.bin/tslab" --prefix "$KERNELS" > /dev/null
export JUPYTER_PATH="$KERNELS/share/jupyter"
# tsx lets require() load winnow's TypeScript sources from the notebooks.
export NODE_OPTIONS="--import tsx"
export NOTEBOOK_ROWS="${NOTEBOOK_ROWS:-6000}"
OUT="${NOTEBOOK_OUT:-$ROOT/tmp/notebooks}"
mkdir -p "$OUT"
for nb in "${NOTEBOOKS[@]}"; do
  start=$(date +%s)
  if [ $INPLACE = 1 ]; then
    /usr/bin/python3 -m nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=900 "$nb" 2> "$OUT/${nb%.ipynb}.log" || { cat "$OUT/${nb%.ipynb}.log" >&2; exit 1; }
  else
    /usr/bin/python3 -m nbconvert --to notebook --execute --output-dir "$OUT" --ExecutePreprocessor.timeout=900 "$nb" 2> "$OUT/${nb%.ipynb}.log" || { cat "$OUT/${nb%.ipynb}.log" >&2; exit 1; }
  fi
  echo "notebook $nb ran in $(( $(date +%s) - start )) s"
done
