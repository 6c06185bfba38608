/**
 * The sample definition the empty list shows and New pipeline opens with: the smallest pipeline that does
 * real work (a file ingested as a dataset version, then a notification naming it), so it can be saved,
 * run and watched as it is.
 */

/** A small, valid pipeline definition. */
export const sampleDefinition = `name: ingest-and-notify
description: A customer file becomes a dataset version, then is announced.
triggers:
  - kind: manual
steps:
  load:
    type: ingest
    with:
      file: /path/to/customers.csv
      dataset: customers
  announce:
    type: notify
    with:
      message: "Ingested \${{ steps.load.outputs.dataset }}"
`;
