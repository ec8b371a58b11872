/** @module The upstream rules that raise synthetic alerts, the customer segments, and which segment trips which rule. */

/** Customer segments, in the order their shares and rule weights are listed. */
export const SEGMENTS = ['retail', 'vip', 'merchant', 'institutional', 'market_maker'] as const;
export type Segment = (typeof SEGMENTS)[number];

/** Share of customers in each segment (retail dominates a crypto exchange's book). */
export const SEGMENT_SHARES: Record<Segment, number> = {
  retail: 0.8,
  vip: 0.07,
  merchant: 0.08,
  institutional: 0.035,
  market_maker: 0.015,
};

/** Alert families: which team's rules raised the alert. */
export type RuleFamily = 'transaction_monitoring' | 'screening' | 'access' | 'kyc' | 'market_manipulation';

/** One upstream rule. */
export interface RuleDef {
  readonly id: string;
  readonly family: RuleFamily;
  readonly meaning: string;
  /** Relative frequency per segment, in SEGMENTS order. */
  readonly weights: readonly [number, number, number, number, number];
}

/** The rule catalogue; ids are stable because models and policies refer to them. */
export const RULES: readonly RuleDef[] = [
  { id: 'tm_structuring', family: 'transaction_monitoring', meaning: 'repeated deposits or withdrawals just under a reporting threshold', weights: [14, 6, 16, 4, 1] },
  { id: 'tm_rapid_in_out', family: 'transaction_monitoring', meaning: 'funds withdrawn shortly after deposit with little trading', weights: [12, 12, 14, 12, 8] },
  { id: 'tm_large_withdrawal', family: 'transaction_monitoring', meaning: 'withdrawal far above the customer’s usual size', weights: [8, 16, 10, 18, 10] },
  { id: 'tm_high_risk_counterparty', family: 'transaction_monitoring', meaning: 'transfer to or from a wallet flagged by chain analytics', weights: [12, 12, 14, 14, 8] },
  { id: 'scr_sanctions', family: 'screening', meaning: 'customer name resembles a sanctions-list entry', weights: [12, 12, 10, 14, 6] },
  { id: 'scr_pep', family: 'screening', meaning: 'customer name resembles a politically exposed person', weights: [6, 14, 4, 8, 2] },
  { id: 'acc_vpn_prohibited_region', family: 'access', meaning: 'login through a VPN, geolocated to or from a prohibited region', weights: [10, 8, 6, 4, 2] },
  { id: 'acc_tor', family: 'access', meaning: 'login from a Tor exit node', weights: [4, 2, 2, 1, 1] },
  { id: 'kyc_document_mismatch', family: 'kyc', meaning: 'identity document fields disagree with the declared profile', weights: [14, 6, 12, 10, 4] },
  { id: 'mm_wash_trading', family: 'market_manipulation', meaning: 'trades where both sides appear to be the same beneficial owner', weights: [2, 6, 1, 8, 30] },
  { id: 'mm_spoofing', family: 'market_manipulation', meaning: 'large orders placed and cancelled before they can fill', weights: [1, 4, 1, 7, 28] },
];

/** Rule ids in catalogue order (the categories of `rule_id`). */
export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

/** Rules a policy must never suppress: a missed sanctions hit is a regulatory breach whatever the score. */
export const NEVER_SUPPRESS_RULES: readonly string[] = ['scr_sanctions'];

/** Index of the VPN rule, whose weight grows over time (the geo-blocking rule was widened mid-year). */
const VPN_RULE = RULES.findIndex((r) => r.id === 'acc_vpn_prohibited_region');

/**
 * Rule weights for one segment at a point in the window (progress 0 → 1), one array per call
 * site so the hot loop does not allocate.
 */
export function ruleWeights(segmentIndex: number, progress: number, out: number[]): number[] {
  for (let i = 0; i < RULES.length; i++) out[i] = RULES[i].weights[segmentIndex];
  out[VPN_RULE] *= 1 + 0.8 * progress;
  return out;
}
