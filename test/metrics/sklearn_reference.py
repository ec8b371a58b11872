"""Reference values for sklearn-reference.test.ts: reads the JSON printed by reference-data.ts on stdin.

Run: npx tsx test/metrics/reference-data.ts | /usr/bin/python3 test/metrics/sklearn_reference.py
FP reduction has no sklearn function, so it is computed here by brute force over every distinct score.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score


def fp_reduction(y, s, w, target):
    best = None
    for t in sorted(set(s.tolist()), reverse=True):
        kept = s >= t
        if (w * y * kept).sum() >= target * (w * y).sum() * (1 - 1e-12):
            best = t
            break
    neg = (w * (1 - y)).sum()
    below = (w * (1 - y) * (s < best)).sum()
    return {"threshold": best, "fpReduction": below / neg, "achievedRecall": (w * y * (s >= best)).sum() / (w * y).sum()}


data = json.load(sys.stdin)
out = {"sklearn": sklearn.__version__}
for name, d in data.items():
    y = np.array(d["labels"], dtype=float)
    s = np.array(d["scores"], dtype=float)
    w = np.array(d["weights"], dtype=float)
    res = {}
    for tag, sw in (("unweighted", None), ("weighted", w)):
        ww = np.ones_like(y) if sw is None else sw
        res[tag] = {
            "auc": roc_auc_score(y, s, sample_weight=sw),
            "prAuc": average_precision_score(y, s, sample_weight=sw),
            "brier": brier_score_loss(y, s, sample_weight=sw),
            "logLoss": log_loss(y, s, sample_weight=sw),
            "fp95": fp_reduction(y, s, ww, 0.95),
            "fp99": fp_reduction(y, s, ww, 0.99),
        }
    prob_true, prob_pred = calibration_curve(y, s, n_bins=10, strategy="uniform")
    res["calibration"] = {"observed": prob_true.tolist(), "predicted": prob_pred.tolist()}
    res["counts"] = {"n": int(len(y)), "positives": int(y.sum())}
    out[name] = res
print(json.dumps(out, indent=2))
