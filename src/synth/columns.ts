/** @module The ordered column list of a synthetic alert table: names, kinds, meanings and known categories. */
import { RULE_IDS, SEGMENTS } from './rules.ts';

/** What a column holds; the first three are model features, the rest are keys, timestamps and the label. */
export type AlertColumnKind = 'numeric' | 'boolean' | 'categorical' | 'id' | 'time' | 'label';

/** One column of the generated table. */
export interface AlertColumn {
  readonly name: string;
  readonly kind: AlertColumnKind;
  readonly meaning: string;
  /** Every value a categorical column can take, in a stable order. */
  readonly categories?: readonly string[];
}

export const COUNTRY_RISK = ['low', 'medium', 'high'] as const;
export const PERSON_OCCUPATIONS = ['employee', 'self_employed', 'business_owner', 'student', 'retired', 'unemployed', 'crypto_professional', 'gambling'] as const;
export const BUSINESS_INDUSTRIES = ['ecommerce', 'gaming', 'money_services', 'fintech', 'asset_manager', 'proprietary_trading'] as const;
export const CHANNELS = ['crypto_onchain', 'bank_transfer', 'card', 'p2p', 'internal_transfer'] as const;

const num = (name: string, meaning: string): AlertColumn => ({ name, kind: 'numeric', meaning });
const bool = (name: string, meaning: string): AlertColumn => ({ name, kind: 'boolean', meaning });
const cat = (name: string, categories: readonly string[], meaning: string): AlertColumn => ({ name, kind: 'categorical', meaning, categories });

/** The columns `generateAlerts` emits, in order: 3 keys/times, 31 features, 1 label (35 in all). */
export const ALERT_COLUMNS: readonly AlertColumn[] = [
  { name: 'alert_id', kind: 'id', meaning: 'unique alert identifier' },
  { name: 'occurred_at', kind: 'time', meaning: 'when the rule fired (ISO 8601, UTC); rows are sorted by it' },
  { name: 'entity_id', kind: 'id', meaning: 'customer the alert is about; customers recur across alerts' },
  cat('rule_id', RULE_IDS, 'upstream rule that raised the alert'),
  cat('segment', SEGMENTS, 'customer segment'),
  num('account_age_days', 'days since the account was opened'),
  num('kyc_tier', 'verification level reached, 1 (basic) to 3 (enhanced); missing for a few legacy accounts'),
  cat('customer_country_risk', COUNTRY_RISK, 'risk rating of the country of residence or incorporation'),
  cat('occupation', [...PERSON_OCCUPATIONS, ...BUSINESS_INDUSTRIES], 'declared occupation (people) or industry (businesses); missing when never collected'),
  num('prior_alerts_90d', 'alerts on this customer in the previous 90 days'),
  num('prior_false_positives_90d', 'of those, alerts already closed as false positives'),
  num('prior_sars', 'suspicious activity reports ever filed on this customer'),
  num('days_since_last_alert', 'days since this customer’s previous alert; missing for a first alert'),
  num('amount_usd', 'USD value of the flagged transaction or traded notional; missing for screening, access and KYC alerts'),
  num('txn_count_24h', 'customer transactions in the 24 hours before the alert'),
  num('inflow_outflow_ratio', '7-day inflow divided by outflow; near 1 means funds pass straight through'),
  num('counterparty_risk_score', 'chain-analytics risk of the counterparty wallet, 0–100; missing off-chain or when the wallet is unattributed'),
  num('mixer_exposure_share', 'share of the amount traced to mixers or high-risk exchanges, 0–1'),
  num('distinct_counterparties_7d', 'distinct counterparties in the previous 7 days'),
  cat('channel', CHANNELS, 'how the flagged money moved; missing for non-transaction alerts'),
  bool('is_round_amount', 'amount is a multiple of 1,000 USD'),
  bool('cash_like_funding', 'funded through cash-like instruments (vouchers, cash deposits at partners)'),
  num('hour_of_day', 'UTC hour the alert occurred, 0–23'),
  bool('is_weekend', 'alert occurred on a Saturday or Sunday (UTC)'),
  bool('device_changed_24h', 'a new device was used in the previous 24 hours; missing when no session data'),
  bool('vpn_detected', 'the last session came through a known VPN; missing when no session data'),
  bool('tor_detected', 'the last session came from a Tor exit node; missing when no session data'),
  bool('ip_prohibited_region', 'the last session geolocated to a prohibited region; missing when no session data'),
  bool('ip_country_mismatch', 'session country differs from the country of residence; missing when no session data'),
  num('name_match_score', 'fuzzy name-match score against the list entry, 0–100; screening alerts only'),
  bool('dob_match', 'date of birth matches the list entry; screening only, missing when the entry has no date of birth'),
  num('doc_mismatch_fields', 'identity-document fields that disagree with the profile; KYC alerts only'),
  num('self_trade_share', 'share of traded volume with a related account on the other side; market-manipulation alerts only'),
  num('order_cancel_ratio', 'share of orders cancelled within two seconds; market-manipulation alerts only'),
  { name: 'is_true_positive', kind: 'label', meaning: '1 when investigation confirmed the alert (SAR filed or true match), else 0' },
];

/** Names of the columns, in order. */
export const ALERT_COLUMN_NAMES: readonly string[] = ALERT_COLUMNS.map((c) => c.name);

/** The model-feature columns only (numeric, boolean, categorical). */
export const ALERT_FEATURE_COLUMNS: readonly AlertColumn[] = ALERT_COLUMNS.filter(
  (c) => c.kind === 'numeric' || c.kind === 'boolean' || c.kind === 'categorical',
);

/** One generated alert, keys in ALERT_COLUMNS order; null marks a missing value. */
export type AlertRow = {
  alert_id: string;
  occurred_at: string;
  entity_id: string;
  rule_id: string;
  segment: string;
  account_age_days: number;
  kyc_tier: number | null;
  customer_country_risk: string;
  occupation: string | null;
  prior_alerts_90d: number;
  prior_false_positives_90d: number;
  prior_sars: number;
  days_since_last_alert: number | null;
  amount_usd: number | null;
  txn_count_24h: number | null;
  inflow_outflow_ratio: number | null;
  counterparty_risk_score: number | null;
  mixer_exposure_share: number | null;
  distinct_counterparties_7d: number;
  channel: string | null;
  is_round_amount: boolean | null;
  cash_like_funding: boolean | null;
  hour_of_day: number;
  is_weekend: boolean;
  device_changed_24h: boolean | null;
  vpn_detected: boolean | null;
  tor_detected: boolean | null;
  ip_prohibited_region: boolean | null;
  ip_country_mismatch: boolean | null;
  name_match_score: number | null;
  dob_match: boolean | null;
  doc_mismatch_fields: number | null;
  self_trade_share: number | null;
  order_cancel_ratio: number | null;
  is_true_positive: 0 | 1;
};
