/** Migration 2: tracking tables (reserved for the tracking feature, issue #3; filled in as it lands). */
export const migration002 = {
  version: 2,
  name: 'tracking',
  sql: ``,
};
