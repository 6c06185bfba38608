/** Migration 4: models tables (reserved for the models feature, issue #5; filled in as it lands). */
export const migration004 = {
  version: 4,
  name: 'models',
  sql: ``,
};
