/** Migration 3: datasets tables (reserved for the datasets feature, issue #4; filled in as it lands). */
export const migration003 = {
  version: 3,
  name: 'datasets',
  sql: ``,
};
