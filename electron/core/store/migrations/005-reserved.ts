/**
 * Placeholder for migration 5, which belongs to the registry work (issue #10) on another branch. It exists
 * only so this branch's migration 6 applies without a gap; at merge the registry's 005 replaces this file.
 */
export const migration005Reserved = {
  version: 5,
  name: 'reserved-for-registry',
  sql: `SELECT 1;`,
};
