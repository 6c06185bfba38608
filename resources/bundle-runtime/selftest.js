'use strict';
/**
 * `node selftest.js [--json]`: proves a Lathe bundle is the one that was exported and still answers as it
 * did. Checks manifest.json against manifest.sha256, every file listed in the manifest against its
 * SHA-256 (and that none is missing), then scores golden.json's rows through model-runtime.js, as a JSON
 * body and as an Arrow stream, and compares each output with the one Lathe's own `predict` gave (labels
 * equal, numbers within 1e-6).
 * Exit code 0 when everything holds, 1 otherwise; --json prints one JSON document.
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** Numbers may differ by this much (absolute, or relative above 1). */
const tolerance = 1e-6;

function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Compares answered rows with the expected ones: labels equal, numbers within the tolerance. */
function compare(expectedRows, answeredRows) {
  let worst = 0;
  const mismatches = [];
  expectedRows.forEach((expected, i) => {
    const got = answeredRows[i] || {};
    for (const [name, want] of Object.entries(expected)) {
      const have = got[name];
      if (typeof want === 'number' && typeof have === 'number') {
        const delta = Math.abs(have - want) / Math.max(1, Math.abs(want));
        worst = Math.max(worst, delta);
        if (!(delta <= tolerance)) mismatches.push(`row ${i} ${name}: ${have} ≠ ${want}`);
      } else if (have !== want) mismatches.push(`row ${i} ${name}: ${JSON.stringify(have)} ≠ ${JSON.stringify(want)}`);
    }
  });
  return { worst, mismatches };
}

async function selftest(dir) {
  const checks = [];
  const check = (name, passed, detail) => checks.push({ name, passed, detail });
  const manifestPath = path.join(dir, 'manifest.json');
  const expectedManifest = fs.readFileSync(path.join(dir, 'manifest.sha256'), 'utf8').trim().split(/\s+/)[0];
  const actualManifest = sha256(manifestPath);
  check(
    'manifest.json',
    actualManifest === expectedManifest,
    actualManifest === expectedManifest
      ? 'matches manifest.sha256'
      : `sha256 ${actualManifest}, manifest.sha256 says ${expectedManifest}`,
  );
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  let filesOk = 0;
  for (const file of manifest.files) {
    const full = path.join(dir, file.path);
    if (!fs.existsSync(full)) {
      check(`file ${file.path}`, false, 'missing');
      continue;
    }
    const actual = sha256(full);
    if (actual === file.sha256) filesOk++;
    else check(`file ${file.path}`, false, `sha256 ${actual}, the manifest says ${file.sha256}`);
  }
  check('file hashes', filesOk === manifest.files.length, `${filesOk} of ${manifest.files.length} files match`);
  const golden = JSON.parse(fs.readFileSync(path.join(dir, 'golden.json'), 'utf8'));
  let bundle;
  try {
    bundle = await require('./model-runtime.js').loadBundle(dir);
  } catch (error) {
    check('model loads', false, String(error && error.message ? error.message : error));
    return { passed: false, checks };
  }
  try {
    // The same rows as JSON and as an Arrow stream: both request formats must give Lathe's answers.
    const arrowBody = require('./arrow-body.js');
    const viaJson = JSON.parse((await bundle.predictJson({ rows: golden.rows })).text).predictions;
    const viaArrow = arrowBody.readArrowAnswer(
      (await bundle.predictArrow(arrowBody.writeArrowRequest(manifest.schema.input, golden.rows), 'arrow')).arrow,
    );
    for (const [name, answer] of [
      ['golden outputs', viaJson],
      ['golden outputs (Arrow body)', viaArrow],
    ]) {
      const { worst, mismatches } = compare(golden.expected, answer);
      check(
        name,
        mismatches.length === 0,
        mismatches.length === 0
          ? `${golden.rows.length} rows agree with Lathe's predict (largest difference ${worst.toExponential(2)})`
          : `${mismatches.length} differ: ${mismatches.slice(0, 5).join('; ')}`,
      );
    }
  } finally {
    await bundle.release();
  }
  return { passed: checks.every((c) => c.passed), checks };
}

if (require.main === module) {
  selftest(__dirname)
    .catch((error) => ({
      passed: false,
      checks: [{ name: 'selftest', passed: false, detail: String(error && error.message ? error.message : error) }],
    }))
    .then((result) => {
      if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(result) + '\n');
      else {
        for (const c of result.checks) process.stdout.write(`${c.passed ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}\n`);
        process.stdout.write(result.passed ? 'selftest passed\n' : 'selftest FAILED\n');
      }
      process.exitCode = result.passed ? 0 : 1;
    });
}

module.exports = { selftest };
