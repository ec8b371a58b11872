#!/usr/bin/python3
"""XGBoost side of bench/vs-xgboost: train `hist` on the full training matrix, predict the test matrix.

Reads DIR/train.x.f32, train.y.f32, test.x.f32 and xgb-input.json, written by bench/vs-xgboost/run.ts
from the CSV files with winnow's own encoder (encodeColumns) and the feature spec of the winnow
bundle trained on the same file, so both tools see the same float32 columns: numbers as they are,
booleans as 0/1, categories as their integer code in the spec (unseen = one more code), missing as
NaN (XGBoost's `missing`). Categories are plain numeric codes here, as winnow's trees see them
(no `enable_categorical`).

Writes DIR/test.xgb.f32 (float32 probabilities, test row order) and prints one JSON line.
Run with Debian's /usr/bin/python3 (apt-get install -y python3-xgboost python3-sklearn).
"""
import argparse, json, resource, time
from pathlib import Path

import numpy as np
import xgboost as xgb
from sklearn.metrics import roc_auc_score


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dir", required=True, type=Path)
    ap.add_argument("--trees", type=int, default=300)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--eta", type=float, default=0.1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    meta = json.loads((args.dir / "xgb-input.json").read_text())
    nf = meta["features"]
    x = np.fromfile(args.dir / "train.x.f32", dtype=np.float32).reshape(-1, nf)
    y = np.fromfile(args.dir / "train.y.f32", dtype=np.float32)
    xt = np.fromfile(args.dir / "test.x.f32", dtype=np.float32).reshape(-1, nf)
    yt = np.fromfile(args.dir / "test.y.f32", dtype=np.float32)
    params = {
        "objective": "binary:logistic", "eval_metric": "logloss", "tree_method": "hist",
        "max_depth": args.depth, "eta": args.eta, "max_bin": 256, "lambda": 1.0, "min_child_weight": 1.0,
        "subsample": 1.0, "colsample_bytree": 1.0, "nthread": args.threads, "seed": args.seed,
        # XGBoost 1.7 starts at 0.5; the base rate is where winnow starts (its initial log-odds).
        "base_score": float(y.mean()),
    }
    t0 = time.perf_counter()
    dtrain = xgb.DMatrix(x, label=y, missing=np.nan, feature_names=meta["names"], nthread=args.threads)
    booster = xgb.train(params, dtrain, num_boost_round=args.trees)
    seconds = time.perf_counter() - t0
    p = booster.predict(xgb.DMatrix(xt, missing=np.nan, feature_names=meta["names"], nthread=args.threads)).astype(np.float32)
    p.tofile(args.dir / "test.xgb.f32")
    print(json.dumps({
        "tool": f"xgboost {xgb.__version__} hist", "trainRows": int(x.shape[0]), "testRows": int(xt.shape[0]),
        "features": nf, "trees": args.trees, "maxDepth": args.depth, "eta": args.eta, "threads": args.threads,
        "trainSeconds": round(seconds, 2), "sklearnAuc": float(roc_auc_score(yt, p)),
        "peakRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "params": params,
    }))


if __name__ == "__main__":
    main()
