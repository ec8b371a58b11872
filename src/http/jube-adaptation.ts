/**
 * @module winnow's result for one alert as a Jube HTTP Adaptation Protocol v1.1 object. Member
 * names and vocabulary are the protocol's (PascalCase; `Probability`, `LogOdds`, `Platt`, …, as in
 * Jube.HttpAdaptationProtocol's ProtocolConstants). Jube reads the body as a bare number or this
 * object, ignores members it does not know, treats a non-null `Error` as "suppressed" (no value
 * fed downstream), and archives the object with the case.
 */
import type { Manifest } from '../model/index.ts';
import type { AlertResult } from '../serving/score-alerts.ts';

export const JUBE_PROTOCOL_VERSION = '1.1';

/** The Adaptation object, as far as winnow fills it. */
export interface Adaptation {
  Value: number | null;
  Error?: string;
  Narrative?: string;
  HumanLabel?: string;
  ProtocolVersion: string;
  Model?: Record<string, unknown>;
  Result?: { Threshold?: number; Activated: boolean; ExpectedPositiveRate?: number };
  Calibration?: Record<string, unknown>;
  Contribution?: { Space: string; Method: string; Exact: boolean; Items: { Name: string; Weight: number; Source?: string; HumanLabel?: string }[] };
  /** winnow's own verdict: an extra member, which Jube's parser ignores and a reader of the archived body can use. */
  Winnow?: Record<string, unknown>;
}

/** An answer that carries only an error: Jube suppresses it (Value null), and archives the message. */
export function adaptationError(message: string): Adaptation {
  return { Value: null, Error: message, ProtocolVersion: JUBE_PROTOCOL_VERSION };
}

/**
 * The Adaptation for `r`. `manifest` describes the model that scored it when it is the model
 * named in `r.model` (else only its name and version are given); `fieldOf` maps alert fields and
 * feature sources back to payload fields, so errors and contributions name what Jube sent.
 */
export function toAdaptation(r: AlertResult, manifest: Manifest | undefined, fieldOf: ReadonlyMap<string, string>): Adaptation {
  const model = manifest ? modelDescriptor(manifest) : { Name: r.model.name, Version: r.model.version };
  const winnow = {
    alertId: r.id, decision: r.decision, band: r.band, reason: r.reason, sample: r.sample, degraded: r.degraded, policyVersion: r.policyVersion,
    ...(r.experiment ? { experiment: r.experiment } : {}), ...(r.reasonsUnavailable ? { reasonsUnavailable: r.reasonsUnavailable } : {}),
  };
  if (r.score === null) {
    // v1.1: a non-null Error means the value must not be used, so an unscored alert sends none.
    const message = r.error ? `${payloadPath(r.error.path, fieldOf)}: ${r.error.message}` : 'not scored';
    return {
      Value: null, Error: `${message} (winnow: ${r.decision}, not scored; the alert is never closed without a score)`, ProtocolVersion: JUBE_PROTOCOL_VERSION,
      HumanLabel: `winnow: ${r.decision}`, Model: model, Winnow: winnow,
    };
  }
  const threshold = r.closeBelow !== undefined && Number.isFinite(r.closeBelow) ? r.closeBelow : undefined;
  const a: Adaptation = {
    Value: r.score,
    Narrative: narrative(r, threshold),
    HumanLabel: `winnow: ${r.decision}`,
    ProtocolVersion: JUBE_PROTOCOL_VERSION,
    Model: model,
    Result: { ...(threshold !== undefined ? { Threshold: threshold } : {}), Activated: r.decision !== 'auto_close' },
    Winnow: winnow,
  };
  if (manifest) a.Calibration = calibrationDescriptor(manifest);
  if (r.reasons && r.reasons.length > 0) {
    a.Contribution = {
      // TreeSHAP values are exact per feature, in the log-odds the trees add up (not the probability Value).
      Space: 'LogOdds', Method: 'TreeSHAP', Exact: true,
      Items: r.reasons.map((reason) => {
        const source = manifest?.featureSpec.features.find((f) => f.name === reason.feature)?.source;
        const field = source === undefined ? undefined : fieldOf.get(source);
        return { Name: field === undefined ? reason.feature : `Payload.${field}`, Weight: reason.contribution, ...(field !== undefined ? { Source: 'Payload' } : {}), HumanLabel: reason.label };
      }),
    };
  }
  return a;
}

function modelDescriptor(m: Manifest): Record<string, unknown> {
  const held = m.metrics.holdout ?? m.metrics.validation;
  return {
    Name: m.name, Family: family(m), Version: m.version, ArtifactHash: `sha256:${m.onnx.sha256}`, TrainedDate: m.createdAt,
    FeatureCount: m.featureSpec.features.length,
    Validation: { Sample: held.rows, Auc: held.auc, Gini: 2 * held.auc - 1, Brier: held.brier },
  };
}

/** The protocol's family names where one fits; winnow's own trees are a GBDT, which the protocol has no constant for. */
function family(m: Manifest): string {
  if (m.provenance?.tool === 'xgboost') return 'XGBoost';
  if (m.provenance?.tool === 'lightgbm') return 'LightGBM';
  if (m.training.algo === 'mlp') return 'NeuralNetwork';
  if (m.training.algo === 'logreg') return 'GLM';
  return 'GBDT';
}

/**
 * With a calibration map the score is a calibrated probability (`Calibrated: true`, the map's
 * method); without one it is the trees' own sigmoid output: a probability by construction, but
 * not validated as calibrated, which the protocol asks to be said (`Native`, `Calibrated: false`).
 * Brier is on the held-out set the manifest reports (holdout, else validation).
 */
function calibrationDescriptor(m: Manifest): Record<string, unknown> {
  const held = m.metrics.holdout ?? m.metrics.validation;
  const method = m.calibration ? (m.calibration.method === 'platt' ? 'Platt' : 'Isotonic') : 'Native';
  return { Space: 'Probability', Calibrated: m.calibration !== undefined, Method: method, Sample: held.rows, Brier: held.brier };
}

function narrative(r: AlertResult, threshold: number | undefined): string {
  const why = r.reason === 'never_suppress' ? ', because its rule is never suppressed'
    : r.reason === 'below_the_line_sample' ? ', as a below-the-line sample (a share of would-be closures reviewed to measure what closing misses)' : '';
  const line = threshold === undefined ? '' : threshold === 0 ? '; no score closes this alert' : `; scores below ${threshold} are closed`;
  return `winnow ${r.model.name}/${r.model.version} scored ${r.score} (band ${r.band}); decision ${r.decision}${why}${line}.`;
}

/** `alerts.0.attributes.amount_usd` → the payload field it came from (`Amount`), for Jube users who never saw winnow's alert. */
export function payloadPath(path: string, fieldOf: ReadonlyMap<string, string>): string {
  const m = /^alerts\.\d+(?:\.(.*))?$/.exec(path);
  if (!m) return path;
  const rest = m[1];
  if (rest === undefined) return '(payload)';
  const attr = /^attributes\.(.+)$/.exec(rest);
  const key = attr ? attr[1] : rest;
  const field = fieldOf.get(key);
  return field === undefined ? rest : field;
}
