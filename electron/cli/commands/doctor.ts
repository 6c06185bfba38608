/** `lathe doctor`: what this machine gives Lathe, measured. Exits 1 when something Lathe needs is broken. */
import type { Command } from 'commander';
import { runDoctor, type DoctorReport } from '../../core/doctor/doctor.js';
import { withCore } from '../context.js';
import { exitCodes, printResult, type GlobalOptions } from '../output.js';

/** Registers `lathe doctor`. */
export function registerDoctorCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('doctor')
    .description('report Node, Electron, compute backends, GPU and the store')
    .option('--verify', 're-hash every object in the store and report any that changed on disk')
    .action(async (local: { verify?: boolean }) => {
      const options = globals();
      const report = await withCore(options, (core) => runDoctor(core, { verify: local.verify === true }));
      printResult(options, report, () => humanReport(report));
      if (!report.ok) process.exitCode = exitCodes.failed;
    });
}

function humanReport(r: DoctorReport): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const lines = [
    `Node.js            ${r.node} (${r.platform})`,
    `Electron binary    ${yes(r.electron.binaryPresent)}${r.electron.version ? ` (electron ${r.electron.version})` : ''}: ${r.electron.detail}`,
    `Display            ${yes(r.electron.display)}`,
    `Training backend   ${r.training.chosen}`,
    ...r.training.backends.map((b) => `  ${b.available ? '✓' : '✗'} ${b.name.padEnd(15)} ${b.detail}`),
    `ONNX Runtime       ${r.inference.available ? `${r.inference.version ?? ''} using ${r.inference.chosen}` : r.inference.detail}`,
    ...r.inference.details.map((p) => `  ${p.usable ? '✓' : '✗'} ${p.name.padEnd(15)} ${p.detail}`),
    `WebGPU             ${r.webgpu.line}`,
    `GPU                ${r.gpu.seen ? `yes${r.gpu.name ? ` (${r.gpu.name})` : ''}` : 'no'}: ${r.gpu.reason}`,
    `Home               ${r.home}`,
    `Database           ${r.database.path} (schema ${r.database.schemaVersion} of ${r.database.supportedSchemaVersion})`,
    `Object store       ${r.objects.count} objects, ${formatBytes(r.objects.bytes)}; ${formatBytes(r.objects.reclaimableBytes)} reclaimable (lathe gc)`,
  ];
  if (r.objects.verify)
    lines.push(
      `  verified          ${r.objects.verify.checked} objects; ${r.objects.verify.corrupt.length} changed, ${r.objects.verify.foreign.length} not plain files`,
    );
  if (r.problems.length > 0) lines.push('', 'Problems:', ...r.problems.map((p) => `  - ${p}`));
  return lines.join('\n');
}

/** Bytes as a short human size. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
