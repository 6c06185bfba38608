/**
 * Alias gates: a rule that an alias (say `production`) moves onto a version only when that version's latest
 * validation report (of a given suite, when the rule names one) passed. A rule applies to one registered
 * model or, without a model, to every model; the model's own rule wins. The registry calls `assertAllowed`
 * before any alias move (registry-service.ts `guardAliases`), so the CLI, the app and MLflow's set-alias
 * endpoint all get the same refusal.
 */
import type { AliasGate, ModelVersion, ValidationReportSummary } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { Db } from '../store/database.js';

interface GateRow {
  model: string | null;
  alias: string;
  suite: string | null;
  created_at: number;
}

const gateSelect = `SELECT m.name AS model, g.alias, g.suite, g.created_at FROM alias_gates g LEFT JOIN models m ON m.id = g.model_id`;

function toGate(row: GateRow): AliasGate {
  return { model: row.model, alias: row.alias, suite: row.suite, createdAt: row.created_at };
}

/** The alias gates of a home. */
export class AliasGates {
  constructor(
    private readonly db: Db,
    private readonly latest: (versionId: string, suite: string | null) => ValidationReportSummary | null,
  ) {}

  private modelId(name: string): number {
    const row = this.db.prepare<[string], { id: number }>('SELECT id FROM models WHERE name = ?').get(name);
    if (!row) throw new LatheError('NOT_FOUND', `No model named "${name}" (see: lathe model list)`, { model: name });
    return row.id;
  }

  /** Every rule, global ones first. */
  list(): AliasGate[] {
    return this.db
      .prepare<[], GateRow>(`${gateSelect} ORDER BY g.model_id IS NOT NULL, m.name, g.alias`)
      .all()
      .map(toGate);
  }

  /** Sets (or replaces) the rule for `alias` of `model` (every model when absent). */
  set(input: { model?: string; alias: string; suite?: string }): AliasGate {
    const modelId = input.model ? this.modelId(input.model) : null;
    const now = Date.now();
    this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM alias_gates WHERE COALESCE(model_id, 0) = COALESCE(?, 0) AND alias = ?')
        .run(modelId, input.alias);
      this.db
        .prepare('INSERT INTO alias_gates (model_id, alias, suite, created_at) VALUES (?, ?, ?, ?)')
        .run(modelId, input.alias, input.suite ?? null, now);
    })();
    return { model: input.model ?? null, alias: input.alias, suite: input.suite ?? null, createdAt: now };
  }

  /** Removes a rule; `removed` says whether there was one. */
  remove(input: { model?: string; alias: string }): { removed: boolean } {
    const modelId = input.model ? this.modelId(input.model) : null;
    const info = this.db
      .prepare('DELETE FROM alias_gates WHERE COALESCE(model_id, 0) = COALESCE(?, 0) AND alias = ?')
      .run(modelId, input.alias);
    return { removed: info.changes > 0 };
  }

  /** The rule that applies to `alias` of `model`: the model's own, else the global one. */
  ruleFor(model: string, alias: string): AliasGate | null {
    const row = this.db
      .prepare<[string, string], GateRow>(
        `${gateSelect} WHERE g.alias = ? AND (g.model_id IS NULL OR m.name = ?) ORDER BY g.model_id IS NULL LIMIT 1`,
      )
      .get(alias, model);
    return row ? toGate(row) : null;
  }

  /** Refuses (CONFLICT) moving `alias` onto `version` when a rule asks for a passing report it does not have. */
  assertAllowed(version: ModelVersion, alias: string): void {
    const rule = this.ruleFor(version.model, alias);
    if (!rule) return;
    const ref = `${version.model}@${version.version}`;
    const report = this.latest(version.id, rule.suite);
    if (report?.passed) return;
    const what = `a passing validation report${rule.suite ? ` of suite "${rule.suite}"` : ''}`;
    const scope = rule.model ? `of ${rule.model}` : 'of every model';
    const found = report
      ? `its latest report ${report.id.slice(0, 8)} failed (${report.checksPassed} of ${report.checksTotal} checks passed)`
      : 'it has none';
    throw new LatheError(
      'CONFLICT',
      `Alias "${alias}" ${scope} requires ${what} before it moves; ${ref}: ${found}. Run: lathe validate ${ref} --suite FILE`,
      { alias, model: version.model, version: version.version, suite: rule.suite, reportId: report?.id ?? null },
    );
  }
}
