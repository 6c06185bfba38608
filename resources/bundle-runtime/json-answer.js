'use strict';
/**
 * Writes a JSON answer's text straight from the output columns, the same bytes JSON.stringify gives for
 * `{ model, version, rows, predictions: [{…}] }` (rows) or `{ …, columns: {…} }` (columns), in half the
 * time: no object per row, each label escaped once, a numeric column joined in one call. On a small model
 * writing the answer costs about as much as scoring it (docs/ARCHITECTURE.md, "Bundles").
 */

/** A number as JSON writes it: non-finite values are null. */
function numberText(value) {
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? String(number) : 'null';
}

/** One column's values as JSON texts, a function of the row: strings escaped once per distinct value. */
function cellWriter(values) {
  if (Array.isArray(values)) {
    const escaped = new Map();
    return (i) => {
      const value = values[i];
      let text = escaped.get(value);
      if (text === undefined) escaped.set(value, (text = JSON.stringify(value)));
      return text;
    };
  }
  return (i) => numberText(values[i]);
}

/** A whole column as a JSON array. */
function columnText(values) {
  if (Array.isArray(values)) return JSON.stringify(values);
  // A float array joins in one call when every value is finite (join would write NaN, which is not JSON).
  if (values instanceof Float32Array || values instanceof Float64Array) {
    let finite = true;
    for (let i = 0; i < values.length; i++)
      if (!Number.isFinite(values[i])) {
        finite = false;
        break;
      }
    if (finite) return '[' + values.join(',') + ']';
  }
  return '[' + Array.from(values, numberText).join(',') + ']';
}

/** The answer's text: `head` ({ model, version, rows }) then the predictions in the request's shape. */
function answerText(head, columns, shape) {
  const start = JSON.stringify(head).slice(0, -1);
  if (shape === 'columns') {
    const parts = columns.map((column) => JSON.stringify(column.name) + ':' + columnText(column.values));
    return start + ',"columns":{' + parts.join(',') + '}}';
  }
  const keys = columns.map((column, c) => (c === 0 ? '{' : ',') + JSON.stringify(column.name) + ':');
  const cells = columns.map((column) => cellWriter(column.values));
  const rows = new Array(head.rows);
  for (let i = 0; i < head.rows; i++) {
    let row = columns.length === 0 ? '{' : '';
    for (let c = 0; c < columns.length; c++) row += keys[c] + cells[c](i);
    rows[i] = row + '}';
  }
  return start + ',"predictions":[' + rows.join(',') + ']}';
}

module.exports = { answerText };
