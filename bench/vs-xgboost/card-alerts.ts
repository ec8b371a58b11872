/**
 * @module A public-style card-transaction alert table for the winnow-vs-XGBoost benchmark.
 *
 * Usage: npx tsx bench/vs-xgboost/card-alerts.ts --out DIR [--rows 300000] [--seed 2024] [--test-share 0.2]
 *
 * Writes DIR/train.csv (the oldest rows by `event_time`) and DIR/test.csv (the newest `--test-share`),
 * plus DIR/card-meta.json. The same seed writes the same bytes. Self-contained on purpose (its own
 * PRNG, nothing from src/), so changes to winnow cannot change the data.
 *
 * Shape: one row per card transaction that a fraud rule flagged, in the style of the public card-fraud
 * sets (IEEE-CIS, the Sparkov "credit card transactions" set): amount, merchant category code,
 * channel, merchant country, hour and weekday, distance from home and from the last transaction,
 * velocity counts, declines, account/card/customer age, credit limit, card-not-present signals
 * (device and IP country mismatch, new device, e-mail domain, AVS, CVV, 3-D Secure) that are empty
 * for card-present rows, prior chargebacks and alerts, the rule that fired, and `is_fraud` (about 2%).
 * Many columns are integer-valued or repeat a few values (MCC codes, counts, hour, credit limits,
 * round ATM and gift-card amounts), so split points tie with data values, as on real data.
 *
 * How a row is made: its period (12 months from 2024-01-01) fixes a `progress` t in [0, 1). A fraud
 * flag is drawn with a base rate that rises from 1.8% to 2.4%. A legitimate row follows one of five
 * profiles (everyday, online shopping, travel, big-ticket, crypto/gambling hobby), a fraud row one of
 * six modi operandi (stolen card-not-present credentials, card testing, counterfeit/skimming, account
 * takeover, crypto cash-out, "friendly" fraud that looks like everyday spending). Features are then
 * drawn from that profile, so profiles overlap and labels are noisy (test AUC about 0.965, not 1).
 * Drift over time, which is what makes the newest labels worth learning from:
 *   - the fraud mix moves: card testing grows (15% → 25%), skimming fades (25% → 8%), and crypto
 *     cash-out appears at t = 0.45 and grows to about 20% of fraud by year end;
 *   - a `crypto_merchant` rule starts firing at t = 0.5, flooding the table with legitimate
 *     crypto/gambling alerts (the hobby profile goes from 3% to 9% of legitimate rows);
 *   - e-commerce grows, amounts inflate by ~12% over the year, accounts age.
 * The oldest (1 - test-share) of rows by time are the training file, the rest the later test file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';

// ---------------------------------------------------------------- seeded random numbers (sfc32)
class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: string) {
    // splitmix32 over the seed's characters fills the four words.
    let h = 0x9e3779b9;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x85ebca6b);
    const next = () => {
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 16; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  poisson(lambda: number): number {
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const l = Math.exp(-lambda);
    let k = 0;
    let p = this.float();
    while (p > l) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** Index drawn with probability proportional to `weights`. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  pick<T>(items: readonly T[], weights?: readonly number[]): T {
    return items[weights ? this.weighted(weights) : this.int(items.length)];
  }
}

// ---------------------------------------------------------------- vocabularies
const MCC = {
  grocery: 5411, restaurant: 5812, fastFood: 5814, fuel: 5541, pharmacy: 5912, dept: 5311, clothing: 5691,
  electronics: 5732, computers: 5045, software: 5734, digitalGames: 5816, telecom: 4814, jewelry: 5944,
  misc: 5999, atm: 6011, quasiCash: 6051, moneyTransfer: 4829, gambling: 7995, hotel: 7011, airline: 4511,
  transport: 4111, utilities: 4900, charity: 8398, books: 5942,
} as const;
const EVERYDAY_MCC = [MCC.grocery, MCC.restaurant, MCC.fastFood, MCC.fuel, MCC.pharmacy, MCC.dept, MCC.clothing, MCC.transport, MCC.utilities, MCC.books];
const EVERYDAY_W = [25, 18, 14, 12, 6, 8, 7, 5, 3, 2];
const ONLINE_MCC = [MCC.dept, MCC.clothing, MCC.electronics, MCC.software, MCC.digitalGames, MCC.telecom, MCC.books, MCC.misc, MCC.airline, MCC.hotel];
const ONLINE_W = [18, 16, 10, 8, 8, 8, 6, 12, 7, 7];
const HOME = 'US';
const FOREIGN = ['GB', 'DE', 'FR', 'NL', 'ES', 'IT', 'CA', 'MX', 'BR', 'NG', 'RU', 'CN', 'IN', 'PH', 'RO', 'UA', 'AE', 'TR'];
const FOREIGN_TRAVEL_W = [12, 8, 9, 4, 8, 7, 14, 14, 3, 1, 1, 3, 3, 2, 1, 1, 3, 3];
const FOREIGN_FRAUD_W = [4, 3, 3, 3, 2, 2, 3, 4, 6, 9, 9, 6, 5, 7, 8, 8, 3, 5];
const EMAIL = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com', 'aol.com', 'protonmail.com', 'mail.ru', 'anonymous.com', 'other'];
const EMAIL_LEGIT_W = [48, 14, 9, 9, 10, 4, 1, 0.3, 0.5, 5];
const EMAIL_FRAUD_W = [40, 8, 7, 5, 3, 2, 9, 6, 10, 10];
const AVS = ['Y', 'A', 'Z', 'N', 'U'];
const CREDIT_LIMITS = [500, 1000, 1500, 2000, 2500, 3000, 5000, 7500, 10000, 15000, 20000, 25000];
const CREDIT_W = [4, 8, 6, 8, 7, 8, 14, 10, 12, 9, 7, 4];

type Channel = 'chip' | 'swipe' | 'contactless' | 'ecom' | 'moto' | 'atm';
const CARD_PRESENT: Record<Channel, boolean> = { chip: true, swipe: true, contactless: true, atm: true, ecom: false, moto: false };

interface Card {
  id: string;
  customerAge: number;
  creditLimit: number;
  /** Account opened this many days before the period starts (may be negative: opened during it). */
  accountAgeAtStart: number;
  cardAgeAtStart: number;
  /** log of the card's usual amount. */
  amountMu: number;
  /** Typical transactions per day. */
  activity: number;
  chargebackRate: number;
  alertRate: number;
  homeEmail: string;
}

/** One generated alert before serialisation; null is an empty cell. */
type Row = Record<string, string | number | boolean | null>;

const COLUMNS = [
  'alert_id', 'card_id', 'event_time', 'rule_id', 'amount', 'mcc', 'channel', 'merchant_country', 'hour', 'day_of_week',
  'distance_from_home_km', 'distance_from_last_txn_km', 'minutes_since_last_txn', 'txn_count_1h', 'txn_count_24h', 'txn_count_7d',
  'amount_sum_24h', 'amount_to_avg_ratio', 'distinct_merchants_24h', 'declines_24h', 'account_age_days', 'card_age_days',
  'customer_age', 'credit_limit', 'card_present', 'device_country_mismatch', 'ip_country_mismatch', 'new_device',
  'email_domain', 'avs_result', 'cvv_match', 'three_ds', 'prior_chargebacks_365d', 'prior_alerts_90d', 'is_fraud',
] as const;

const DAY_MS = 86_400_000;
const START_MS = Date.parse('2024-01-01T00:00:00Z');
const PERIOD_DAYS = 366; // 2024 is a leap year: twelve calendar months

const lin = (t: number, a: number, b: number) => a + (b - a) * t;
const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

function makeCards(rng: Rng, n: number): Card[] {
  const cards: Card[] = [];
  const width = String(n).length;
  for (let i = 0; i < n; i++) {
    const customerAge = Math.min(92, 18 + Math.floor(rng.lognormal(Math.log(24), 0.55)));
    const accountAgeAtStart = rng.chance(0.12) ? -rng.int(PERIOD_DAYS) : Math.floor(rng.lognormal(Math.log(900), 0.9));
    cards.push({
      id: 'K' + String(i + 1).padStart(width, '0'),
      customerAge,
      creditLimit: rng.pick(CREDIT_LIMITS, CREDIT_W),
      accountAgeAtStart,
      cardAgeAtStart: Math.min(Math.max(accountAgeAtStart, 0), Math.floor(rng.float() * 1100)) - (rng.chance(0.05) ? rng.int(200) : 0),
      amountMu: Math.log(25) + 0.6 * rng.normal() + (customerAge > 35 ? 0.3 : 0),
      activity: rng.lognormal(Math.log(2), 0.7),
      chargebackRate: rng.chance(0.05) ? 0.6 : 0.04,
      alertRate: rng.lognormal(Math.log(0.8), 0.8),
      homeEmail: rng.pick(EMAIL, EMAIL_LEGIT_W),
    });
  }
  return cards;
}

/** Hour of day from a named shape. */
function drawHour(rng: Rng, shape: 'day' | 'evening' | 'night' | 'any'): number {
  if (shape === 'any') return rng.int(24);
  if (shape === 'night') return rng.chance(0.6) ? rng.int(6) : (rng.chance(0.5) ? 22 + rng.int(2) : rng.int(24));
  const centre = shape === 'day' ? 13 : 19;
  return ((Math.round(centre + 3.5 * rng.normal()) % 24) + 24) % 24;
}

const LEGIT = ['everyday', 'online', 'travel', 'bigTicket', 'cryptoHobby'] as const;
const FRAUD = ['cnpStolen', 'cardTesting', 'skimming', 'takeover', 'cryptoCashout', 'friendly'] as const;
type Profile = (typeof LEGIT)[number] | (typeof FRAUD)[number];

function legitWeights(t: number): number[] {
  const hobby = t < 0.5 ? 3 : 9; // the crypto_merchant rule starts firing at t = 0.5
  return [lin(t, 52, 44), lin(t, 22, 29), 11, 12, hobby];
}

function fraudWeights(t: number): number[] {
  const cashout = t < 0.45 ? 0 : lin((t - 0.45) / 0.55, 2, 24);
  return [lin(t, 36, 30), lin(t, 15, 25), lin(t, 25, 8), 14, cashout, 10];
}

/** Draw one alert's features for a profile. */
function drawRow(rng: Rng, card: Card, profile: Profile, day: number, t: number): Row {
  const inflation = Math.log(1 + 0.12 * t);
  let channel: Channel;
  let mcc: number;
  let country = HOME;
  let hourShape: 'day' | 'evening' | 'night' | 'any' = 'day';
  let logRatio = 0.8 * rng.normal(); // log(amount / card's usual amount)
  let fixedAmount: number | null = null;
  let distanceHome = rng.lognormal(Math.log(6), 1.0);
  let count1hLambda = 0.4;
  let count24Lambda = 1.5 * card.activity;
  let declinesLambda = 0.1;
  let distinctBoost = 0;
  // card-not-present signals: probabilities
  let pNewDevice = 0.08, pIpMismatch = 0.04, pDeviceMismatch = 0.03, pRiskyEmail = 0, pAvsBad = 0.06, pCvvBad = 0.015, p3ds = lin(t, 0.45, 0.65);
  let accountAgeOverride: number | null = null;
  let minutesSinceLastMu = Math.log(300);

  switch (profile) {
    case 'everyday':
    case 'friendly':
      channel = rng.pick<Channel>(['chip', 'contactless', 'swipe', 'ecom'], [lin(t, 40, 34), lin(t, 30, 38), lin(t, 12, 6), profile === 'friendly' ? 25 : 18]);
      mcc = channel === 'ecom' ? rng.pick(ONLINE_MCC, ONLINE_W) : rng.pick(EVERYDAY_MCC, EVERYDAY_W);
      hourShape = rng.chance(0.7) ? 'day' : 'evening';
      logRatio = 0.9 * rng.normal() + (profile === 'friendly' ? 0.5 : 0);
      break;
    case 'online':
      channel = rng.chance(0.93) ? 'ecom' : 'moto';
      mcc = rng.pick(ONLINE_MCC, ONLINE_W);
      hourShape = rng.chance(0.5) ? 'evening' : 'any';
      logRatio = 0.4 + 0.9 * rng.normal();
      pNewDevice = 0.12;
      pIpMismatch = 0.06;
      break;
    case 'travel':
      channel = rng.pick<Channel>(['chip', 'contactless', 'atm', 'ecom', 'swipe'], [45, 20, 12, 15, 8]);
      mcc = channel === 'atm' ? MCC.atm : rng.pick([MCC.hotel, MCC.airline, MCC.restaurant, MCC.transport, MCC.fuel, MCC.dept], [20, 12, 30, 15, 10, 13]);
      country = rng.chance(0.75) ? rng.pick(FOREIGN, FOREIGN_TRAVEL_W) : HOME;
      distanceHome = country === HOME ? rng.lognormal(Math.log(600), 0.8) : rng.lognormal(Math.log(4000), 0.7);
      hourShape = 'any';
      logRatio = 0.8 + 0.9 * rng.normal();
      if (channel === 'atm') fixedAmount = rng.pick([40, 60, 100, 200, 300, 400], [5, 10, 30, 30, 15, 10]);
      pIpMismatch = 0.5;
      pDeviceMismatch = 0.3;
      break;
    case 'bigTicket':
      channel = rng.pick<Channel>(['chip', 'ecom', 'contactless'], [55, 40, 5]);
      mcc = rng.pick([MCC.electronics, MCC.computers, MCC.jewelry, MCC.dept, MCC.airline, MCC.hotel, MCC.misc], [30, 12, 10, 18, 12, 8, 10]);
      logRatio = 2.3 + 0.7 * rng.normal();
      count24Lambda = 0.7 * card.activity;
      break;
    case 'cryptoHobby':
      channel = rng.chance(0.9) ? 'ecom' : 'moto';
      mcc = rng.pick([MCC.quasiCash, MCC.gambling, MCC.digitalGames, MCC.moneyTransfer], [45, 25, 15, 15]);
      hourShape = rng.chance(0.5) ? 'evening' : 'any';
      fixedAmount = rng.chance(0.6) ? rng.pick([20, 25, 50, 100, 200, 250, 500, 1000], [8, 6, 18, 22, 14, 8, 14, 10]) : null;
      logRatio = 1.0 + 1.0 * rng.normal();
      break;
    case 'cnpStolen':
      channel = rng.chance(0.88) ? 'ecom' : 'moto';
      mcc = rng.pick([MCC.electronics, MCC.computers, MCC.digitalGames, MCC.dept, MCC.clothing, MCC.misc, MCC.airline, MCC.software], [25, 10, 12, 14, 10, 14, 8, 7]);
      hourShape = rng.chance(0.55) ? 'night' : 'any';
      logRatio = 1.3 + 1.0 * rng.normal();
      count1hLambda = 1.6;
      count24Lambda = 1.5 * card.activity + 3;
      declinesLambda = 0.8;
      distinctBoost = 2;
      pNewDevice = 0.65;
      pIpMismatch = 0.45;
      pDeviceMismatch = 0.35;
      pRiskyEmail = 0.3;
      pAvsBad = 0.35;
      pCvvBad = 0.12;
      p3ds = 0.15;
      minutesSinceLastMu = Math.log(40);
      break;
    case 'cardTesting':
      channel = 'ecom';
      mcc = rng.pick([MCC.digitalGames, MCC.software, MCC.telecom, MCC.charity, MCC.misc], [30, 20, 20, 15, 15]);
      hourShape = rng.chance(0.6) ? 'night' : 'any';
      fixedAmount = rng.chance(0.45) ? rng.pick([0.5, 1, 1, 1, 2, 5]) : round(0.5 + rng.float() * 9, 2);
      count1hLambda = 5;
      count24Lambda = 1.5 * card.activity + 9;
      declinesLambda = 3.5;
      distinctBoost = 5;
      pNewDevice = 0.5;
      pIpMismatch = 0.4;
      pDeviceMismatch = 0.3;
      pRiskyEmail = 0.35;
      pAvsBad = 0.5;
      pCvvBad = 0.25;
      p3ds = 0.05;
      minutesSinceLastMu = Math.log(6);
      break;
    case 'skimming':
      channel = rng.pick<Channel>(['swipe', 'atm', 'chip'], [50, 40, 10]);
      mcc = channel === 'atm' ? MCC.atm : rng.pick([MCC.electronics, MCC.jewelry, MCC.fuel, MCC.dept, MCC.misc], [30, 15, 20, 20, 15]);
      country = rng.chance(0.45) ? rng.pick(FOREIGN, FOREIGN_FRAUD_W) : HOME;
      distanceHome = country === HOME ? rng.lognormal(Math.log(350), 1.1) : rng.lognormal(Math.log(5000), 0.6);
      hourShape = rng.chance(0.5) ? 'night' : 'any';
      logRatio = 1.5 + 0.9 * rng.normal();
      if (channel === 'atm') fixedAmount = rng.pick([100, 200, 300, 400, 500, 800, 1000], [10, 25, 20, 15, 20, 5, 5]);
      count1hLambda = 2;
      count24Lambda = 1.5 * card.activity + 4;
      declinesLambda = 1.2;
      minutesSinceLastMu = Math.log(30);
      break;
    case 'takeover':
      channel = rng.chance(0.75) ? 'ecom' : 'moto';
      mcc = rng.pick([MCC.moneyTransfer, MCC.misc, MCC.electronics, MCC.quasiCash, MCC.airline], [30, 25, 20, 10, 15]);
      hourShape = 'any';
      logRatio = 2.0 + 0.8 * rng.normal();
      count1hLambda = 1.2;
      declinesLambda = 0.6;
      pNewDevice = 0.9;
      pIpMismatch = 0.55;
      pDeviceMismatch = 0.5;
      pRiskyEmail = 0.15;
      pAvsBad = 0.2;
      pCvvBad = 0.05;
      p3ds = 0.3;
      minutesSinceLastMu = Math.log(90);
      break;
    case 'cryptoCashout':
      // Looks like the legitimate crypto hobby, except on brand-new accounts, with larger round sums
      // and fewer 3-D Secure checks: only learnable from labels of the second half of the year.
      channel = rng.chance(0.85) ? 'ecom' : 'moto';
      mcc = rng.pick([MCC.quasiCash, MCC.moneyTransfer, MCC.gambling], [60, 30, 10]);
      hourShape = 'any';
      fixedAmount = rng.chance(0.7) ? rng.pick([250, 500, 500, 1000, 1000, 1500, 2000, 2500]) : null;
      logRatio = 2.2 + 0.8 * rng.normal();
      accountAgeOverride = Math.floor(rng.lognormal(Math.log(20), 0.9));
      count24Lambda = 1.5 * card.activity + 1.5;
      pNewDevice = 0.45;
      pIpMismatch = 0.25;
      pDeviceMismatch = 0.2;
      pRiskyEmail = 0.1;
      pAvsBad = 0.12;
      pCvvBad = 0.03;
      p3ds = 0.25;
      minutesSinceLastMu = Math.log(120);
      break;
  }

  const present = CARD_PRESENT[channel];
  const usual = Math.exp(card.amountMu + inflation);
  let amount = fixedAmount ?? Math.max(0.5, round(usual * Math.exp(logRatio), 2));
  if (amount > card.creditLimit * 1.2 && fixedAmount === null) amount = round(card.creditLimit * (0.6 + 0.5 * rng.float()), 2);
  const hour = drawHour(rng, hourShape);
  const ms = START_MS + day * DAY_MS + hour * 3_600_000 + rng.int(3600) * 1000;
  const count1h = rng.poisson(count1hLambda);
  const count24h = count1h + rng.poisson(count24Lambda);
  const count7d = count24h + rng.poisson(6 * card.activity * 1.1);
  const firstTxn = rng.chance(0.03);
  const accountAge = accountAgeOverride ?? Math.max(0, card.accountAgeAtStart + day);
  const cardAge = accountAgeOverride ?? Math.max(0, Math.min(accountAge, card.cardAgeAtStart + day));
  const cnp = <T>(value: T): T | null => (present ? null : value);
  const riskyEmail = rng.chance(pRiskyEmail);
  const avs = rng.chance(pAvsBad) ? rng.pick(['N', 'Z', 'U'], [60, 25, 15]) : rng.pick(AVS.slice(0, 2), [85, 15]);
  return {
    card_id: card.id,
    event_ms: ms,
    amount,
    mcc,
    channel,
    merchant_country: country,
    hour,
    day_of_week: new Date(ms).getUTCDay(),
    distance_from_home_km: present ? round(distanceHome, 1) : null,
    distance_from_last_txn_km: firstTxn || !present ? null : round(rng.chance(0.5) ? distanceHome * rng.float() : rng.lognormal(Math.log(4), 1.2), 1),
    minutes_since_last_txn: firstTxn ? null : Math.max(0, Math.round(rng.lognormal(minutesSinceLastMu, 1.2))),
    txn_count_1h: count1h,
    txn_count_24h: count24h,
    txn_count_7d: count7d,
    amount_sum_24h: round(amount + (count24h - 1 > 0 ? usual * rng.lognormal(Math.log(count24h), 0.6) : 0) * (count1hLambda > 3 ? 0.05 : 1), 2),
    amount_to_avg_ratio: round(amount / usual, 2),
    distinct_merchants_24h: Math.min(count24h, 1 + rng.poisson(0.6 * count24h / 2 + distinctBoost)),
    declines_24h: rng.poisson(declinesLambda),
    account_age_days: accountAge,
    card_age_days: cardAge,
    customer_age: card.customerAge,
    credit_limit: card.creditLimit,
    card_present: present,
    device_country_mismatch: cnp(rng.chance(pDeviceMismatch)),
    ip_country_mismatch: cnp(rng.chance(pIpMismatch)),
    new_device: cnp(rng.chance(pNewDevice)),
    email_domain: cnp(riskyEmail ? rng.pick(EMAIL, EMAIL_FRAUD_W) : rng.chance(0.8) ? card.homeEmail : rng.pick(EMAIL, EMAIL_LEGIT_W)),
    avs_result: cnp(avs),
    cvv_match: channel === 'ecom' || channel === 'moto' ? !rng.chance(pCvvBad) : null,
    three_ds: channel === 'ecom' ? rng.chance(p3ds) : null,
    prior_chargebacks_365d: rng.poisson(card.chargebackRate * (profile === 'friendly' || profile === 'takeover' ? 3 : 1)),
    prior_alerts_90d: rng.poisson(card.alertRate * (FRAUD.includes(profile as (typeof FRAUD)[number]) ? 1.6 : 1)),
  };
}

/** The rule that raised the alert: the first of the bank's rules the transaction trips, in priority order. */
function ruleFor(row: Row, t: number): string {
  if (t >= 0.5 && (row.mcc === MCC.quasiCash || row.mcc === MCC.gambling)) return 'crypto_merchant';
  if ((row.txn_count_1h as number) >= 4 || (row.declines_24h as number) >= 3) return 'velocity';
  if ((row.amount_to_avg_ratio as number) >= 6 || (row.amount as number) >= 2000) return 'high_amount';
  if (row.merchant_country !== HOME) return 'foreign_merchant';
  if ((row.distance_from_home_km as number) >= 300) return 'geo_distance';
  if (row.new_device === true || row.ip_country_mismatch === true) return 'cnp_device_risk';
  if (row.hour !== null && (row.hour as number) < 5) return 'night_activity';
  return 'vendor_score';
}

function cell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  return String(v);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' }, rows: { type: 'string', default: '300000' }, seed: { type: 'string', default: '2024' },
      'test-share': { type: 'string', default: '0.2' }, help: { type: 'boolean' },
    },
  });
  if (values.help || !values.out) {
    console.log('npx tsx bench/vs-xgboost/card-alerts.ts --out DIR [--rows 300000] [--seed 2024] [--test-share 0.2]');
    process.exit(values.help ? 0 : 2);
  }
  const rows = Number(values.rows);
  const testShare = Number(values['test-share']);
  if (!Number.isInteger(rows) || rows < 1000) throw new Error(`--rows must be a whole number ≥ 1000, got ${values.rows}`);
  if (!(testShare > 0 && testShare < 1)) throw new Error(`--test-share must be in (0, 1), got ${values['test-share']}`);
  const root = new Rng(`card-alerts/${values.seed}`);
  const cards = makeCards(new Rng(`cards/${values.seed}`), Math.max(100, Math.round(rows / 4)));
  // Card popularity: a heavy tail, so some cards raise many alerts.
  const cardWeight = cards.map((c) => c.alertRate);
  const cum = new Float64Array(cards.length + 1);
  for (let i = 0; i < cards.length; i++) cum[i + 1] = cum[i] + cardWeight[i];
  const drawCard = (): Card => {
    const x = root.float() * cum[cards.length];
    let lo = 0;
    let hi = cards.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid + 1] > x) hi = mid;
      else lo = mid + 1;
    }
    return cards[lo];
  };

  const out: Row[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    // Volume grows by a third over the year: the day is the quantile of a linearly rising density.
    const u = (i + root.float()) / rows;
    const g = 1 / 3; // density ∝ 1 + g·t on [0, 1): CDF = (t + g t²/2) / (1 + g/2)
    const tt = (-1 + Math.sqrt(1 + 2 * g * u * (1 + g / 2))) / g;
    const day = Math.min(PERIOD_DAYS - 1, Math.floor(tt * PERIOD_DAYS));
    const progress = day / PERIOD_DAYS;
    const fraud = root.chance(lin(progress, 0.018, 0.024));
    let card = drawCard();
    for (let k = 0; k < 20 && card.accountAgeAtStart + day < 0; k++) card = drawCard();
    const profile: Profile = fraud ? FRAUD[root.weighted(fraudWeights(progress))] : LEGIT[root.weighted(legitWeights(progress))];
    const row = drawRow(root, card, profile, day, progress);
    row.rule_id = ruleFor(row, progress);
    row.is_fraud = fraud ? 1 : 0;
    row.profile = profile;
    out[i] = row;
  }
  // Hours are drawn per row, so sort by time (stable: ties keep generation order), then number the alerts.
  out.sort((a, b) => (a.event_ms as number) - (b.event_ms as number));
  const width = Math.max(7, String(rows).length);
  const nTrain = Math.round(rows * (1 - testShare));
  await mkdir(values.out, { recursive: true });
  const summary = { train: { rows: 0, positives: 0, from: '', to: '' }, test: { rows: 0, positives: 0, from: '', to: '' } };
  const profiles: Record<string, { train: number; test: number }> = {};
  for (const [part, from, to] of [['train', 0, nTrain], ['test', nTrain, rows]] as const) {
    const stream = createWriteStream(join(values.out, `${part}.csv`));
    stream.write(COLUMNS.join(',') + '\n');
    let buf = '';
    for (let i = from; i < to; i++) {
      const r = out[i];
      r.alert_id = 'T' + String(i + 1).padStart(width, '0');
      r.event_time = new Date(r.event_ms as number).toISOString().replace('.000Z', 'Z');
      buf += COLUMNS.map((c) => cell(r[c])).join(',') + '\n';
      if (buf.length > 1 << 20) {
        if (!stream.write(buf)) await once(stream, 'drain');
        buf = '';
      }
      const s = summary[part];
      s.rows++;
      s.positives += r.is_fraud as number;
      const p = (profiles[r.profile as string] ??= { train: 0, test: 0 });
      p[part]++;
    }
    stream.end(buf);
    await once(stream, 'finish');
    summary[part].from = out[from].event_time as string;
    summary[part].to = out[to - 1].event_time as string;
  }
  const meta = { generator: 'bench/vs-xgboost/card-alerts.ts', rows, seed: values.seed, testShare, cards: cards.length, label: 'is_fraud', timeColumn: 'event_time', exclude: ['alert_id', 'card_id'], ...summary, profiles };
  await writeFile(join(values.out, 'card-meta.json'), JSON.stringify(meta, null, 2) + '\n');
  const pct = (s: { rows: number; positives: number }) => ((100 * s.positives) / s.rows).toFixed(2);
  console.log(`wrote ${summary.train.rows} training rows (${pct(summary.train)}% fraud, ${summary.train.from} … ${summary.train.to}) and ${summary.test.rows} test rows (${pct(summary.test)}% fraud, … ${summary.test.to}) to ${values.out}`);
}

await main();
