/**
 * Property-based tests of the MLflow request parsers (the hardening probe fuzzed MLflow bodies; this keeps
 * that as a bounded suite). Whatever a client sends, a parser either returns the value the protobuf JSON
 * mapping says it means, or refuses with MLflow's 400 INVALID_PARAMETER_VALUE (a LatheError BAD_INPUT for
 * a body that is not JSON at all); it never throws anything else, which the server would turn into a 500.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LatheError } from '../../../shared/errors.js';
import { MlflowError, doubleValue, int64Field, keyValues, parseLenientJson, stringField } from './mlflow-io.js';

/** Runs `parse` and classifies the outcome: a value, or an error's kind (anything else is a bug). */
function outcome<T>(parse: () => T): { value: T } | { refused: string } {
  try {
    return { value: parse() };
  } catch (error) {
    if (error instanceof MlflowError) return { refused: `${error.status} ${error.errorCode}` };
    if (error instanceof LatheError) return { refused: error.code };
    return { refused: `unexpected ${String(error)}` };
  }
}

/** Anything a JSON body can hold, plus undefined (a missing field). */
const anyField = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined));

describe('parseLenientJson', () => {
  it('is JSON.parse on valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = JSON.stringify(value);
        expect(parseLenientJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it("reads Python's bare NaN and Infinity as their names, and leaves the same words inside strings alone", () => {
    const special = fc.constantFrom('NaN', 'Infinity', '-Infinity');
    const item = fc.oneof(
      special.map((token) => ({ raw: token, value: token })),
      fc
        .double({ noNaN: true, noDefaultInfinity: true })
        // The value is what the text says: JSON writes -0 as 0, so 0 is what a client sends for it.
        .map((number) => ({ raw: JSON.stringify(number), value: JSON.parse(JSON.stringify(number)) as number })),
      fc
        .constantFrom('NaN', 'Infinity', 'a NaN b', '"-Infinity"')
        .map((text) => ({ raw: JSON.stringify(text), value: text })),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), (items) => {
        const text = `{"metrics": [${items.map((entry) => `{"value": ${entry.raw}}`).join(', ')}]}`;
        expect(parseLenientJson(text)).toEqual({ metrics: items.map((entry) => ({ value: entry.value })) });
      }),
      { numRuns: 300 },
    );
  });

  it('any text either parses or is refused as BAD_INPUT', () => {
    const jsonish = fc
      .array(fc.constantFrom('{', '}', '[', ']', '"', '\\', ':', ',', 'NaN', 'Infinity', '-', '1', 'e', 'a', ' '), {
        maxLength: 40,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.string({ maxLength: 40 })), (text) => {
        const result = outcome(() => parseLenientJson(text));
        expect('value' in result ? 'parsed' : result.refused).toMatch(/^(parsed|BAD_INPUT)$/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('field parsers', () => {
  it('int64Field: every safe integer, as a number or a string of digits, reads back exactly', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.boolean(), (number, asString) => {
        const fields = { step: asString ? String(number) : number };
        expect(int64Field(fields, 'step')).toBe(number);
      }),
      { numRuns: 500 },
    );
  });

  it('int64Field: anything else is a value or a 400, never another error', () => {
    fc.assert(
      fc.property(anyField, (value) => {
        const result = outcome(() => int64Field({ step: value }, 'step'));
        const verdict = 'value' in result ? result.value : result.refused;
        expect(
          verdict === undefined || Number.isSafeInteger(verdict) || verdict === '400 INVALID_PARAMETER_VALUE',
        ).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('doubleValue: every double reads back from its number and from its string form', () => {
    fc.assert(
      fc.property(fc.double(), (number) => {
        expect(doubleValue(number, 'value')).toBe(number);
        const text = Number.isNaN(number) ? 'NaN' : String(number);
        expect(Object.is(doubleValue(text, 'value'), number === 0 ? Number(text) : number)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('doubleValue, stringField and keyValues: a value of the right type or a 400, for any input', () => {
    fc.assert(
      fc.property(anyField, fc.array(anyField, { maxLength: 4 }), (value, list) => {
        const number = outcome(() => doubleValue(value, 'value'));
        expect('value' in number ? typeof number.value : number.refused).toMatch(
          /^(number|400 INVALID_PARAMETER_VALUE)$/,
        );
        const text = outcome(() => stringField({ name: value }, 'name'));
        expect('value' in text ? typeof text.value : text.refused).toMatch(
          /^(string|undefined|400 INVALID_PARAMETER_VALUE)$/,
        );
        const pairs = outcome(() => keyValues(list, 'params'));
        const shapes =
          'value' in pairs ? pairs.value.map((pair) => `${typeof pair.key}/${typeof pair.value}`) : [pairs.refused];
        expect(shapes.every((shape) => /^(string\/string|400 INVALID_PARAMETER_VALUE)$/.test(shape))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('keyValues: well-formed params come back as written, scalars as their text', () => {
    const pair = fc.record({
      key: fc.string({ minLength: 1 }),
      value: fc.oneof(fc.string(), fc.integer(), fc.boolean()),
    });
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), (list) => {
        expect(keyValues(list, 'params')).toEqual(list.map(({ key, value }) => ({ key, value: String(value) })));
      }),
      { numRuns: 300 },
    );
  });
});
