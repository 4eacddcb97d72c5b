import { existsSync } from 'node:fs';
import type { Command } from '../../core/cli/command.js';
import { EXIT } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { writeFileSet } from '../../core/fileset.js';
import { validateProfile } from '../../profiles/validate.js';
import { formatIssue } from '../../profiles/issue.js';
import { renderFiles } from '../render.js';

export const renderCommand: Command = {
  words: ['render'],
  summary: "write a node's hardened configuration (firewall, IDS...) from a profile under a root directory",
  args: 'PROFILE',
  minArgs: 1,
  maxArgs: 1,
  options: { root: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  optionHelp: { root: 'directory to write under (the target system root)', 'dry-run': 'list the files and modes without writing' },
  async run({ positionals, values, io }) {
    const file = positionals[0]!;
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`, 'give the path of a profile YAML file');
    const root = values.root as string | undefined;
    if (!root && !values['dry-run']) throw new UsageError('--root is required', 'for example --root /target, or --dry-run to only list');
    const r = validateProfile(file);
    if (!r.ok) {
      for (const i of r.issues) io.stderr.write(`${formatIssue(i)}\n`);
      io.stderr.write('nothing was written: fix the profile first\n');
      return EXIT.failed;
    }
    const files = renderFiles(r.profile);
    if (values['dry-run']) {
      for (const f of files) io.stdout.write(`${f.mode.toString(8).padStart(4, '0')} ${f.owner} ${f.path} (${f.id}, ${Buffer.byteLength(f.content)} bytes)\n`);
      return EXIT.ok;
    }
    for (const path of writeFileSet(root!, files)) io.stdout.write(`wrote ${path}\n`);
    return EXIT.ok;
  },
};
