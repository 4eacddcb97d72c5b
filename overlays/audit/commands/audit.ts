import { EXIT, defineCommand } from '../../../core/cli/command.js';
import { runAudit } from '../checks.js';
import { grade } from '../grade.js';

export default defineCommand({
  words: ['audit'],
  summary: "check a node's security settings (SSH, root, MFA, firewall, panel TLS, certificate) and grade them A to F",
  options: {
    root: { type: 'string', help: 'audit an installed or rendered system root instead of this running node' },
    json: { type: 'boolean', help: 'print JSON' },
  },
  async run({ values, io }) {
    const root = values.root ?? '/';
    const results = await runAudit({ root, live: root === '/' });
    const g = grade(results);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ grade: g, root, checks: results }, null, 2)}\n`);
    } else {
      for (const r of results) io.stdout.write(`${r.passed ? 'PASS' : 'FAIL'} ${r.severity.padEnd(8)} ${r.id.padEnd(26)} ${r.title}: ${r.reason}\n`);
      io.stdout.write(`grade: ${g}\n`);
    }
    // Only a clean audit exits 0, so scripts and CI can gate on it.
    return g === 'A' ? EXIT.ok : EXIT.failed;
  },
});
