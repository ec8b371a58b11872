/** @module The latent risk behind a synthetic alert and the noisy investigation outcome it leads to. */
import type { Random } from './random.ts';
import type { AlertRow } from './columns.ts';
import type { Customer } from './population.ts';

/**
 * Log-odds offset per rule, tuned so each rule's true-positive rate lands near a realistic
 * figure (sanctions under 1%, KYC and high-risk-counterparty near 5%) and the total near 3%.
 */
export const RULE_INTERCEPTS: Readonly<Record<string, number>> = {
  tm_structuring: -6.10,
  tm_rapid_in_out: -6.55,
  tm_large_withdrawal: -6.17,
  tm_high_risk_counterparty: -5.12,
  scr_sanctions: -8.04,
  scr_pep: -4.39,
  acc_vpn_prohibited_region: -7.40,
  acc_tor: -5.72,
  kyc_document_mismatch: -4.50,
  mm_wash_trading: -5.89,
  mm_spoofing: -5.09,
};

/**
 * Spread of the risk around each rule's intercept. At a 3% base rate the Bernoulli draw itself caps
 * the best possible AUC; this scale sets that cap (with the hidden terms, a GBDT lands near 0.9).
 */
const SIGNAL_SCALE = 1.6;
const NEW_ACCOUNT_DAYS = 30;
const RISKY_OCCUPATIONS = new Set(['gambling', 'money_services', 'unemployed']);

/** Latent log-odds that investigating this alert confirms it: customer traits, rule-specific interactions, drift, noise. */
export function riskLogit(rng: Random, row: AlertRow, c: Customer, progress: number): number {
  let z = (c.bad ? 1.8 : 0) + 0.5 * c.hidden + rng.normal(0, 0.5);
  if (row.prior_sars > 0) z += 0.8;
  z -= 0.15 * Math.min(row.prior_false_positives_90d, 6); // customers cleared again and again are usually fine
  z += row.customer_country_risk === 'high' ? 0.4 : row.customer_country_risk === 'medium' ? 0.15 : 0;
  if (row.kyc_tier === 1) z += 0.3;
  if (row.occupation !== null && RISKY_OCCUPATIONS.has(row.occupation)) z += 0.35;
  if (row.hour_of_day < 5) z += 0.25;
  if (row.device_changed_24h) z += 0.3;
  const isNew = row.account_age_days < NEW_ACCOUNT_DAYS;

  switch (row.rule_id) {
    case 'tm_structuring': {
      const amt = row.amount_usd ?? 0;
      if (amt >= 8_000 && amt < 10_000 && (row.txn_count_24h ?? 0) >= 3) z += 2.0;
      if (isNew) z += 1.8;
      if (row.cash_like_funding && row.is_round_amount) z += 0.5;
      break;
    }
    case 'tm_rapid_in_out': {
      const r = row.inflow_outflow_ratio;
      if (r !== null && Math.abs(Math.log(r)) < 0.15) z += isNew || row.account_age_days < 60 ? 2.6 : 1.6;
      break;
    }
    case 'tm_large_withdrawal':
      // A new device right before an unusually large withdrawal looks like account takeover.
      if (row.device_changed_24h) z += 0.9;
      if (row.ip_country_mismatch) z += 0.4;
      break;
    case 'tm_high_risk_counterparty':
      if (row.counterparty_risk_score !== null) z += 0.06 * (row.counterparty_risk_score - 50);
      break;
    case 'scr_sanctions':
    case 'scr_pep': {
      const s = row.name_match_score ?? 0;
      const w = row.rule_id === 'scr_sanctions' ? 1 : 0.6;
      z += w * Math.min(3, Math.max(-3, 0.25 * (s - 88)));
      if (s >= 92 && row.customer_country_risk === 'high') z += 1.5 * w;
      z += row.dob_match === true ? 1.8 * w : row.dob_match === false ? -1.5 * w : 0;
      if (row.rule_id === 'scr_pep' && row.segment === 'vip') z += 0.6;
      break;
    }
    case 'acc_vpn_prohibited_region':
    case 'acc_tor':
      if (row.vpn_detected && row.ip_prohibited_region) z += 2.6;
      else if (row.ip_prohibited_region) z += 0.6;
      if (row.tor_detected) z += 0.8;
      if (row.ip_country_mismatch) z += 0.3;
      if (isNew) z += 0.5;
      break;
    case 'kyc_document_mismatch': {
      const f = row.doc_mismatch_fields ?? 1;
      z += 0.8 * (f - 1);
      if (isNew && f >= 2) z += 1.3;
      break;
    }
    case 'mm_wash_trading':
      z += 5 * (row.self_trade_share ?? 0) - (row.segment === 'market_maker' ? 1.2 : 0);
      break;
    case 'mm_spoofing': {
      const cr = row.order_cancel_ratio ?? 0;
      z += 1.5 * (cr - 0.5);
      if (cr > 0.9 && row.segment !== 'market_maker') z += 1.8;
      break;
    }
  }

  if (row.channel === 'crypto_onchain') {
    // An unattributable wallet is itself a warning sign: the missing score carries information.
    if (row.counterparty_risk_score === null) z += 1.2;
    // Mixer exposure matters more as the year goes on (a pattern regulators started chasing): drift.
    else z += (3.5 + 2.5 * progress) * (row.mixer_exposure_share ?? 0);
  }
  return RULE_INTERCEPTS[row.rule_id] + SIGNAL_SCALE * z;
}

/** The investigation outcome: Bernoulli on the risk, then a few mislabels (missed cases, over-eager SARs). */
export function drawLabel(rng: Random, logit: number): 0 | 1 {
  const truth = rng.float() < 1 / (1 + Math.exp(-logit));
  if (truth) return rng.bool(0.04) ? 0 : 1;
  return rng.bool(0.001) ? 1 : 0;
}
