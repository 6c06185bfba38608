/**
 * Test helper: the raw database under a core, for tests and benches that check rows directly or
 * measure a baseline. `Core` exposes services only; production code never reaches for this.
 */
import { databaseOfCore, type Core } from '../core.js';
import type { Db } from '../store/database.js';

/** The database connection a core uses (same connection, so it sees the core's uncommitted work). */
export function testDatabase(core: Core): Db {
  return databaseOfCore(core);
}
