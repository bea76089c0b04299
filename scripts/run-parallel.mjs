// `node scripts/run-parallel.mjs a b c`: runs the npm scripts a, b and c at the same time and prints each one's output
// whole when it ends, with its time, so that logs don't interleave. Exits non-zero when any of them failed.
// The Node suites (fake Azure, fake Azure with latency, integration) mostly wait on loopback round trips and injected
// latency, so running them side by side shortens `npm test` without making any of them share state: each test file
// starts its own fake Azure on its own port.
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: node scripts/run-parallel.mjs <npm script> [<npm script> ...]');
  process.exit(2);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();

function run(script) {
  return new Promise((resolve) => {
    const begun = Date.now();
    const child = spawn(npm, ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('close', (code, signal) => {
      const seconds = Math.round((Date.now() - begun) / 1000);
      const status = code === 0 ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`;
      process.stdout.write(`\n===== npm run ${script}: ${status} in ${seconds} s =====\n`);
      process.stdout.write(Buffer.concat(chunks));
      process.stdout.write(`===== end of npm run ${script} =====\n`);
      resolve({ script, ok: code === 0, seconds });
    });
  });
}

const results = await Promise.all(scripts.map(run));
const failed = results.filter((result) => !result.ok);
console.log(`\n${results.map((result) => `${result.script}: ${result.ok ? 'passed' : 'FAILED'} (${result.seconds} s)`).join('\n')}`);
console.log(`all ${results.length} in ${Math.round((Date.now() - started) / 1000)} s`);
if (failed.length > 0) {
  console.error(`failed: ${failed.map((result) => result.script).join(', ')}`);
  process.exit(1);
}
