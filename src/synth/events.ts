/** @module The attributes of one synthetic alert, drawn from its customer, its rule family and the moment it fires. */
import type { Random } from './random.ts';
import type { AlertRow } from './columns.ts';
import type { Customer } from './population.ts';
import type { RuleDef } from './rules.ts';
import type { PriorCounts } from './history.ts';
import { DAY_MS } from './clock.ts';

/** Everything an alert's attributes depend on. */
export interface AlertContext {
  readonly alertId: string;
  readonly ms: number;
  /** 0 → 1 through the window; drives drift. */
  readonly progress: number;
  readonly customer: Customer;
  readonly rule: RuleDef;
  readonly prior: PriorCounts;
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

// The US reporting threshold structurers stay under.
const THRESHOLD_USD = 10_000;
const SESSION_MISSING = 0.04;

/** Draw one alert row (label 0; the caller sets it once the risk is known). */
export function drawAlert(rng: Random, ctx: AlertContext): AlertRow {
  const { customer: c, rule, ms, prior } = ctx;
  const fam = rule.family;
  const date = new Date(ms);
  const bad = c.bad;
  const isTm = fam === 'transaction_monitoring';
  const isMm = fam === 'market_manipulation';

  // Transaction context: amounts drift up over the year (a crypto bull market) — mild covariate shift.
  let amount: number | null = null;
  let channel: string | null = null;
  if (isTm) {
    if (rule.id === 'tm_structuring' && rng.bool(bad ? 0.75 : 0.3)) amount = rng.uniform(0.8, 0.999) * THRESHOLD_USD;
    else amount = rng.lognormal(c.amountMu + 0.3 * ctx.progress + (rule.id === 'tm_large_withdrawal' ? 1.6 : 0), 1);
    if (rng.bool(bad ? 0.35 : 0.12) && amount >= 1000) amount = Math.round(amount / 1000) * 1000;
    channel =
      rule.id === 'tm_high_risk_counterparty' ? 'crypto_onchain'
      : rule.id === 'tm_structuring' ? ['bank_transfer', 'card', 'p2p', 'crypto_onchain'][rng.weighted([4, 3, 2, 1])]
      : ['crypto_onchain', 'bank_transfer', 'p2p', 'internal_transfer'][rng.weighted([6, 3, 1, 0.5])];
  } else if (isMm) {
    amount = rng.lognormal(c.amountMu + 1 + 0.3 * ctx.progress, 1);
  }

  // Chain analytics only sees on-chain transfers, and cannot attribute fresh wallets (which launderers favour).
  let cptyScore: number | null = null;
  let mixer: number | null = null;
  if (channel === 'crypto_onchain' && !rng.bool(bad ? 0.35 : 0.1)) {
    cptyScore =
      rule.id === 'tm_high_risk_counterparty' ? 100 * rng.beta(bad ? 5 : 3, bad ? 2 : 3) : 100 * rng.beta(1.2, bad ? 3 : 6);
    mixer = rng.bool(bad ? 0.45 : 0.06) ? rng.beta(1.5, bad ? 3 : 10) : 0;
  }

  const rapid = rule.id === 'tm_rapid_in_out';
  const ratio = !isTm && rng.bool(0.1) ? null : Math.exp(rng.normal(0, rapid ? (bad ? 0.08 : 0.35) : 0.8));
  const segBusy = c.isBusiness ? 3 : 1;
  const structuring = rule.id === 'tm_structuring';

  // Session data: screening runs in batch with no session; otherwise the device feed sometimes drops out.
  const hasSession = fam !== 'screening' && !rng.bool(SESSION_MISSING);
  const onVpnRule = rule.id === 'acc_vpn_prohibited_region';
  const onTorRule = rule.id === 'acc_tor';
  const vpn = hasSession ? (onVpnRule ? rng.bool(0.85) : rng.bool(onTorRule ? 0.3 : c.vpnRate)) : null;
  const prohibited = hasSession ? rng.bool(onVpnRule ? (bad ? 0.65 : 0.3) : c.prohibitedRate) : null;

  const screening = fam === 'screening';
  const sanctions = rule.id === 'scr_sanctions';
  const row: AlertRow = {
    alert_id: ctx.alertId,
    occurred_at: date.toISOString().slice(0, 19) + 'Z',
    entity_id: c.id,
    rule_id: rule.id,
    segment: c.segment,
    account_age_days: Math.max(0, Math.floor((ms - c.onboardedMs) / DAY_MS)),
    kyc_tier: c.kycTier,
    customer_country_risk: c.countryRisk,
    occupation: c.occupation,
    prior_alerts_90d: prior.alerts90d,
    prior_false_positives_90d: prior.falsePositives90d,
    prior_sars: prior.sars,
    days_since_last_alert: prior.daysSinceLast,
    amount_usd: amount === null ? null : round(amount, 2),
    txn_count_24h: rng.bool(0.01) ? null : rng.poisson(segBusy * (structuring ? (bad ? 9 : 4) : isTm || isMm ? 3 : 1.5)),
    inflow_outflow_ratio: ratio === null ? null : round(ratio, 3),
    counterparty_risk_score: cptyScore === null ? null : round(cptyScore, 1),
    mixer_exposure_share: mixer === null ? null : round(mixer, 3),
    distinct_counterparties_7d: rng.poisson(segBusy * (bad ? 6 : 3)),
    channel,
    is_round_amount: amount === null ? null : amount % 1000 === 0,
    cash_like_funding: isTm ? rng.bool(structuring ? (bad ? 0.35 : 0.1) : bad ? 0.2 : 0.04) : null,
    hour_of_day: date.getUTCHours(),
    is_weekend: date.getUTCDay() === 0 || date.getUTCDay() === 6,
    device_changed_24h: hasSession ? rng.bool((bad ? 0.3 : 0.08) + (fam === 'access' ? 0.15 : 0)) : null,
    vpn_detected: vpn,
    tor_detected: hasSession ? (onTorRule ? true : rng.bool(c.torRate)) : null,
    ip_prohibited_region: prohibited,
    ip_country_mismatch: hasSession ? rng.bool(vpn ? 0.5 : c.mismatchRate) : null,
    name_match_score: screening ? round(Math.min(100, Math.max(60, rng.normal(bad ? 92 : 82, bad ? 5 : 7))), 1) : null,
    // Many list entries carry no date of birth, so the check cannot run.
    dob_match: screening && rng.bool(sanctions ? 0.55 : 0.75) ? rng.bool(bad ? 0.7 : 0.08) : null,
    doc_mismatch_fields: fam === 'kyc' ? Math.min(6, 1 + rng.poisson(bad ? 1.2 : 0.3)) : null,
    self_trade_share: isMm ? round(selfTrade(rng, c, rule.id === 'mm_wash_trading'), 3) : null,
    order_cancel_ratio: isMm ? round(cancelRatio(rng, c, rule.id === 'mm_spoofing'), 3) : null,
    is_true_positive: 0,
  };
  return row;
}

/** Self-trade share: market makers self-cross incidentally; wash traders do it on purpose. */
function selfTrade(rng: Random, c: Customer, onRule: boolean): number {
  if (c.bad && onRule) return rng.beta(3, 4);
  return c.segment === 'market_maker' ? rng.beta(2, 8) : rng.beta(1.2, onRule ? 8 : 15);
}

/** Order cancel ratio: quoting firms cancel most orders legitimately, so a high ratio alone means little. */
function cancelRatio(rng: Random, c: Customer, onRule: boolean): number {
  if (c.bad && onRule) return rng.beta(9, 1.5);
  return c.segment === 'market_maker' ? rng.beta(8, 2) : rng.beta(2, onRule ? 3 : 5);
}
