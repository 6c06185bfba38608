'use strict';
/** A request that does not fit the model's input schema: `status` 400 (or 413), the field at fault named. */
class RequestError extends Error {
  constructor(message, field, status) {
    super(message);
    this.name = 'RequestError';
    this.field = field === undefined ? null : field;
    this.status = status || 400;
  }
}

/** Rows one request may carry. */
const maxRows = 100000;

module.exports = { RequestError, maxRows };
