/**
 * Property tests draw new cases on every run, which is how they find bugs locally; in CI (CI=true) they
 * draw the same cases every time, so a submission passes or fails on its own code, never on the dice.
 * A failure anywhere prints its seed; FC_SEED=<seed> replays it.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED ?? (process.env.CI ? '20261130' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
