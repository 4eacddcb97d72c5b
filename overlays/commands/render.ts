import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../../core/cli/command.js';
import { EXIT } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { writeFileSet } from '../../core/fileset.js';
import { BOOKWORM, TRIXIE, detectHostFacts, type TargetFacts } from '../../core/facts.js';
import { validateProfile } from '../../profiles/validate.js';
import { formatIssue } from '../../profiles/issue.js';
import { renderFiles } from '../render.js';
import { applyAccounts, planAccounts } from '../ssh/accounts.js';

export async function targetFacts(name: string | undefined): Promise<TargetFacts> {
  if (name === undefined || name === 'trixie') return TRIXIE;
  if (name === 'bookworm') return BOOKWORM;
  if (name === 'host') return detectHostFacts();
  throw new UsageError(`unknown --target '${name}'`, 'use trixie (default), bookworm or host');
}

export const renderCommand: Command = {
  words: ['render'],
  summary: "write a node's hardened configuration (firewall, IDS, SSH, sudo, panel) from a profile under a root directory",
  args: 'PROFILE',
  minArgs: 1,
  maxArgs: 1,
  options: { root: { type: 'string' }, 'dry-run': { type: 'boolean' }, target: { type: 'string' } },
  optionHelp: {
    root: 'directory to write under (the target system root)',
    'dry-run': 'list the files and modes without writing',
    target: 'tool versions to write for: trixie (default), bookworm, or host (read off this machine)',
  },
  async run({ positionals, values, io }) {
    const file = positionals[0]!;
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`, 'give the path of a profile YAML file');
    const root = values.root as string | undefined;
    if (!root && !values['dry-run']) throw new UsageError('--root is required', 'for example --root /target, or --dry-run to only list');
    const facts = await targetFacts(values.target as string | undefined);
    const r = validateProfile(file);
    if (!r.ok) {
      for (const i of r.issues) io.stderr.write(`${formatIssue(i)}\n`);
      io.stderr.write('nothing was written: fix the profile first\n');
      return EXIT.failed;
    }
    const files = renderFiles(r.profile, facts);
    if (values['dry-run']) {
      for (const f of files) io.stdout.write(f.absent ? `remove ${f.path} (${f.id})\n` : `${f.mode.toString(8).padStart(4, '0')} ${f.owner} ${f.path} (${f.id}, ${Buffer.byteLength(f.content)} bytes)\n`);
      return EXIT.ok;
    }
    // Accounts first, so files of the admin (authorized_keys) get their owner.
    if (existsSync(join(root!, 'etc/passwd'))) {
      await applyAccounts(root!, planAccounts(r.profile));
      io.stdout.write(`accounts: ${r.profile.users.admin.name} (sudo, debvisor-admin), root locked\n`);
    } else {
      io.stdout.write(`accounts: skipped, ${root} has no etc/passwd (the installer creates them on the target system)\n`);
    }
    const res = writeFileSet(root!, files);
    for (const path of res.written) io.stdout.write(`wrote ${path}\n`);
    for (const path of res.removed) io.stdout.write(`removed ${path}\n`);
    for (const path of res.ownerMissing) io.stdout.write(`note: ${path} is owned by root: its user does not exist under ${root} yet\n`);
    return EXIT.ok;
  },
};
