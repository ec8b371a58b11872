/** @module The synthetic customer book: profiles, a hidden share of bad actors, and how often each customer alerts. */
import { AliasSampler, type Random } from './random.ts';
import { BUSINESS_INDUSTRIES, COUNTRY_RISK, PERSON_OCCUPATIONS } from './columns.ts';
import { SEGMENTS, SEGMENT_SHARES, type Segment } from './rules.ts';
import { DAY_MS, type TimeWindow } from './clock.ts';

/** One customer; `bad` and `hidden` are never emitted, they only shape attributes and labels. */
export interface Customer {
  /** Position in the population, for per-customer state kept in arrays. */
  readonly index: number;
  readonly id: string;
  readonly segmentIndex: number;
  readonly segment: Segment;
  readonly isBusiness: boolean;
  readonly onboardedMs: number;
  readonly kycTier: number | null;
  readonly countryRisk: (typeof COUNTRY_RISK)[number];
  readonly occupation: string | null;
  /** A launderer, sanctions evader or manipulator: their alerts are far more often true. */
  readonly bad: boolean;
  /** Unobserved propensity (standard normal): why even a perfect model cannot reach AUC 1. */
  readonly hidden: number;
  /** Log of the customer's median transaction size in USD. */
  readonly amountMu: number;
  readonly sarsBefore: number;
  /** Expected alerts per day, used to back-fill alert history from before the window. */
  readonly alertsPerDay: number;
  readonly vpnRate: number;
  readonly torRate: number;
  readonly prohibitedRate: number;
  readonly mismatchRate: number;
}

const OCCUPATIONS = [...PERSON_OCCUPATIONS, ...BUSINESS_INDUSTRIES];
// Weights over OCCUPATIONS (8 occupations then 6 industries) for good and bad customers.
const PERSON_GOOD = [45, 14, 8, 10, 8, 6, 5, 4, 0, 0, 0, 0, 0, 0];
const PERSON_BAD = [25, 12, 8, 15, 3, 17, 10, 10, 0, 0, 0, 0, 0, 0];
const INDUSTRY: Record<string, number[]> = {
  merchant: [0, 0, 0, 0, 0, 0, 0, 0, 45, 20, 15, 20, 0, 0],
  institutional: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 30, 45, 10],
  market_maker: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 0, 85],
};
const MEDIAN_AMOUNT: Record<Segment, number> = { retail: 1_800, vip: 35_000, merchant: 12_000, institutional: 250_000, market_maker: 600_000 };
const ALERT_PROPENSITY: Record<Segment, number> = { retail: 1, vip: 1.5, merchant: 1.5, institutional: 2, market_maker: 4 };

/** The customers plus a sampler that picks who an alert is about, heavy-tailed so a few customers alert often. */
export interface Population {
  readonly customers: readonly Customer[];
  readonly sampler: AliasSampler;
  /** Onboarding times by customer index, packed so eligibility checks do not touch every profile. */
  readonly onboardedMs: Float64Array;
}

/** Build `count` customers for a window expected to hold `rows` alerts. */
export function createPopulation(rng: Random, count: number, window: TimeWindow, rows: number): Population {
  const segShares = SEGMENTS.map((s) => SEGMENT_SHARES[s]);
  const windowDays = (window.endMs - window.startMs) / DAY_MS;
  const customers: Customer[] = [];
  const onboarded = new Float64Array(count);
  // Alert propensity comes first (from its own stream) because each profile records its expected rate.
  const weightRng = rng.fork('weights');
  const heavy = new Float64Array(count);
  for (let i = 0; i < count; i++) heavy[i] = weightRng.lognormal(0, 1.2);
  const weights = new Float64Array(count);
  const alertsPerWeightDay = rows / windowDays;
  for (let i = 0; i < count; i++) {
    const segmentIndex = rng.weighted(segShares);
    const segment = SEGMENTS[segmentIndex];
    const isBusiness = segment !== 'retail' && segment !== 'vip';
    const bad = rng.bool(segment === 'market_maker' ? 0.01 : 0.03);
    const newcomer = rng.bool(bad ? 0.5 : 0.22);
    const onboardedMs = newcomer
      ? window.startMs + rng.float() * (window.endMs - window.startMs) * 0.97
      : window.startMs - (1 + rng.lognormal(Math.log(500), 0.9)) * DAY_MS;
    const countryRisk = COUNTRY_RISK[rng.weighted(bad ? [45, 30, 25] : [70, 22, 8])];
    const occWeights = isBusiness ? INDUSTRY[segment] : bad ? PERSON_BAD : PERSON_GOOD;
    // Occupation was not collected at onboarding before the exchange's 2021 KYC overhaul.
    const legacy = onboardedMs < window.startMs - 1200 * DAY_MS;
    const occupation = rng.bool(legacy ? 0.35 : 0.03) ? null : OCCUPATIONS[rng.weighted(occWeights)];
    const tierRoll = rng.float();
    const kycTier = rng.bool(0.015)
      ? null
      : isBusiness || segment === 'vip'
        ? 3
        : tierRoll < (bad ? 0.5 : 0.3) ? 1 : tierRoll < 0.85 ? 2 : 3;
    const travel = segment === 'vip' ? 0.3 : 0.08;
    weights[i] = heavy[i] * (bad ? 2.5 : 1) * ALERT_PROPENSITY[segment];
    onboarded[i] = onboardedMs;
    customers.push({
      index: i,
      id: 'C' + String(i + 1).padStart(7, '0'),
      segmentIndex,
      segment,
      isBusiness,
      onboardedMs,
      kycTier,
      countryRisk,
      occupation,
      bad,
      hidden: rng.normal(),
      amountMu: Math.log(MEDIAN_AMOUNT[segment]) + rng.normal(0, 0.6),
      sarsBefore: rng.poisson(bad ? 0.35 : 0.01),
      vpnRate: bad ? 0.35 : rng.bool(0.15) ? 0.5 : 0.04,
      torRate: bad ? 0.08 : 0.005,
      prohibitedRate: bad ? 0.25 : 0.015,
      mismatchRate: bad ? 0.3 : travel,
      alertsPerDay: weights[i] * alertsPerWeightDay, // divided by the total weight below
    });
  }
  let totalWeight = 0;
  for (let i = 0; i < count; i++) totalWeight += weights[i];
  for (const c of customers) (c as { alertsPerDay: number }).alertsPerDay /= totalWeight;
  return { customers, sampler: new AliasSampler(weights), onboardedMs: onboarded };
}

/** Draw the customer an alert at `ms` is about, skipping customers not yet onboarded. */
export function drawCustomer(pop: Population, rng: Random, ms: number): Customer {
  let i = pop.sampler.sample(rng);
  // Early in the window newcomers are not yet eligible; a few redraws keep the weights almost intact.
  for (let tries = 0; pop.onboardedMs[i] > ms && tries < 20; tries++) i = pop.sampler.sample(rng);
  return pop.customers[i];
}
