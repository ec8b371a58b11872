#!/usr/bin/python3
"""Anchor for the training benchmark: XGBoost hist on the same float32 matrices winnow trains on.

Reads bench/data/{train,test}.{x,y}.f32 written by `bench/make-training-data.ts`, trains with the
parameters given, and prints one JSON line: wall time of DMatrix construction + training, holdout
AUC, and peak resident memory of this process. Run with Debian's /usr/bin/python3 (python3-xgboost).
"""
import argparse, json, resource, time
from pathlib import Path

import numpy as np
import xgboost as xgb
from sklearn.metrics import roc_auc_score


def load(data: Path, split: str, features: int):
    x = np.fromfile(data / f"{split}.x.f32", dtype=np.float32).reshape(-1, features)
    y = np.fromfile(data / f"{split}.y.f32", dtype=np.float32)
    return x, y


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default="bench/data", type=Path)
    ap.add_argument("--trees", type=int, default=300)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--eta", type=float, default=0.1)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    meta = json.loads((args.data / "meta.json").read_text())
    x, y = load(args.data, "train", meta["features"])
    xt, yt = load(args.data, "test", meta["features"])
    params = {
        "objective": "binary:logistic", "tree_method": "hist", "max_depth": args.depth, "eta": args.eta,
        "max_bin": 256, "lambda": 1.0, "min_child_weight": 1.0, "nthread": args.threads,
        "base_score": float(y.mean()),
    }
    t0 = time.perf_counter()
    dtrain = xgb.DMatrix(x, label=y, missing=np.nan, nthread=args.threads)
    booster = xgb.train(params, dtrain, num_boost_round=args.trees)
    seconds = time.perf_counter() - t0
    p = booster.predict(xgb.DMatrix(xt, missing=np.nan, nthread=args.threads))
    print(json.dumps({
        "tool": f"xgboost {xgb.__version__} hist", "rows": int(x.shape[0]), "features": int(x.shape[1]),
        "trees": args.trees, "threads": args.threads, "seconds": round(seconds, 2),
        "auc": round(float(roc_auc_score(yt, p)), 5),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
