#!/usr/bin/env node
/**
 * Writes the sample datasets in resources/samples/ deterministically (a seeded PRNG, no clock):
 * customers-v1.csv and customers-v2.csv are two versions of one small customer table for "try it"
 * flows, tests and the diff demo (v2 drops 20 customers, adds 30, raises some incomes, moves some
 * plans, adds a `region` column and turns `churned` from true/false into 1/0).
 * Run: node scripts/generate-samples.mjs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'samples');
mkdirSync(out, { recursive: true });

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20261126);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const pick = (items, weights) => {
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) if ((r -= weights[i]) < 0) return items[i];
  return items.at(-1);
};
const topics = [
  'billing',
  'the mobile app',
  'an upgrade',
  'a refund',
  'data export',
  'team seats',
  'the API',
  'a discount',
];

function customer(id) {
  const age = Math.max(18, Math.min(80, Math.round(42 + 12 * normal())));
  const income = Math.round(Math.exp(10.8 + 0.45 * normal()) * 100) / 100;
  const plan = pick(['basic', 'plus', 'pro'], [5, 3, 2]);
  // Churn depends on the customer (young, basic-plan, lower-income customers leave more), so a model
  // trained on the sample learns something; one random draw as before keeps every other column unchanged.
  const risk =
    -1.5 + 0.05 * (40 - age) + (plan === 'basic' ? 1.1 : plan === 'plus' ? 0.2 : -0.8) - 0.9 * Math.log(income / 50000);
  const churned = random() < 1 / (1 + Math.exp(-risk));
  const day = new Date(Date.UTC(2022, 0, 1) + Math.floor(random() * 900) * 86400000).toISOString().slice(0, 10);
  const note = `Customer ${id} asked about ${topics[Math.floor(random() * topics.length)]} on call ${Math.floor(random() * 90000) + 10000}`;
  return { id, age, income, plan, churned, day, note };
}

const base = Array.from({ length: 430 }, (_, i) => customer(i + 1));
const quote = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

const v1 = ['customer_id,age,income,plan,churned,signup_date,notes'];
for (const c of base.slice(0, 400))
  v1.push([c.id, c.age, c.income.toFixed(2), c.plan, c.churned, c.day, quote(c.note)].join(','));
writeFileSync(join(out, 'customers-v1.csv'), v1.join('\n') + '\n');

const regions = ['north', 'south', 'east', 'west'];
const v2 = ['customer_id,age,income,plan,churned,signup_date,notes,region'];
for (const c of base.slice(20)) {
  const income = c.id % 4 === 0 ? Math.round(c.income * 115) / 100 : c.income;
  const plan = c.id % 7 === 0 ? 'pro' : c.plan;
  v2.push([c.id, c.age, income.toFixed(2), plan, c.churned ? 1 : 0, c.day, quote(c.note), regions[c.id % 4]].join(','));
}
writeFileSync(join(out, 'customers-v2.csv'), v2.join('\n') + '\n');

// The same v1 rows as JSON Lines and TSV, to try the other text formats.
writeFileSync(
  join(out, 'customers-v1.jsonl'),
  base
    .slice(0, 400)
    .map((c) =>
      JSON.stringify({
        customer_id: c.id,
        age: c.age,
        income: c.income,
        plan: c.plan,
        churned: c.churned,
        signup_date: c.day,
        notes: c.note,
      }),
    )
    .join('\n') + '\n',
);
writeFileSync(
  join(out, 'customers-v1.tsv'),
  v1.map((line) => line.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, '\t')).join('\n') + '\n',
);
console.log(`wrote ${out}`);
