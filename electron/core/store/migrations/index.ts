/** The numbered migrations, in order. A migration is never edited once released: add the next one. */
import { migration001 } from './001-initial.js';
import { migration002 } from './002-tracking.js';
import { migration003 } from './003-datasets.js';
import { migration004 } from './004-models.js';
import { migration005 } from './005-registry.js';
import { migration006 } from './006-drift.js';
import { migration007 } from './007-validation.js';
import { migration008 } from './008-bundles.js';
import { migration009 } from './009-pipelines.js';
import { migration010 } from './010-model-metrics.js';

/** One schema step: applied once, inside the transaction that applies all pending steps. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, oldest first; versions are 1, 2, 3 … without gaps. */
export const migrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
];

/** The schema version this build of Lathe writes. */
export const latestSchemaVersion = migrations.length;
