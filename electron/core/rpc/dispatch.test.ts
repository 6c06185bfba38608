import { describe, expect, it } from 'vitest';
import { useTempDispatch } from '../testing/temp-core.js';

const t = useTempDispatch();

describe('dispatch', () => {
  it('calls the handler with the parsed input', async () => {
    const result = await t.dispatch('experiments.create', { name: '  spaced  ' });
    expect(result).toMatchObject({ ok: true, value: { name: 'spaced' } });
  });

  it.each(['nope', 'constructor', '__proto__', 'toString', ''])('refuses the unknown method %j', async (method) => {
    const result = await t.dispatch(method, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 42 }, 'name'],
    [{ name: 'ok', extra: true }, ''],
    [{ name: 'x'.repeat(251) }, 'name'],
    ['not an object', ''],
  ])('refuses the malformed payload %j, naming the field, and changes nothing', async (payload, field) => {
    const before = t.core.experiments.list().length;
    const result = await t.dispatch('experiments.create', payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    // Payloads that are wrong as a whole (an extra key, not an object) name no single field.
    expect((result as { error?: { details?: { field?: string } } }).error?.details?.field ?? '').toBe(field);
    expect(t.core.experiments.list().length).toBe(before);
  });

  it('passes a service error through with its code', async () => {
    await t.dispatch('experiments.create', { name: 'dup' });
    expect(await t.dispatch('experiments.create', { name: 'dup' })).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_EXISTS' },
    });
  });
});
