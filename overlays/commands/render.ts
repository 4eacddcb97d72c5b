import { existsSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { writeFileSet } from '../../core/fileset.js';
import { fileUnder, openTargetRoot } from '../../core/target-root.js';
import { BOOKWORM, TRIXIE, type TargetFacts } from '../../core/facts.js';
import { detectHostFacts } from '../../core/host-facts.js';
import { validateProfile } from '../../profiles/validate.js';
import { formatIssue } from '../../core/issue.js';
import { renderFiles } from '../render.js';
import { adminAccount, applyAccounts, planAccounts } from '../ssh/accounts.js';

export async function targetFacts(name: string | undefined): Promise<TargetFacts> {
  if (name === undefined || name === 'trixie') return TRIXIE;
  if (name === 'bookworm') return BOOKWORM;
  if (name === 'host') return detectHostFacts();
  throw new UsageError(`unknown --target '${name}'`, 'use trixie (default), bookworm or host');
}

/** The flag that allows rendering into this running system (a node re-rendering its own files). */
export const THIS_SYSTEM_FLAG = 'this-system';

export default defineCommand({
  words: ['render'],
  summary: "write a node's hardened configuration (firewall, IDS, SSH, sudo, panel) from a profile under a root directory",
  args: 'PROFILE',
  minArgs: 1,
  maxArgs: 1,
  options: {
    root: { type: 'string', help: "directory to write under (the target system root); every file is checked with its daemon's tool first" },
    'dry-run': { type: 'boolean', help: 'list the files and modes without writing' },
    target: { type: 'string', help: 'tool versions to write for: trixie (default), bookworm, or host (read off this machine)' },
    [THIS_SYSTEM_FLAG]: { type: 'boolean', help: 'allow a --root that is this running system (/): a node re-rendering its own configuration' },
  },
  async run({ positionals, values, io }) {
    const file = positionals[0]!;
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`, 'give the path of a profile YAML file');
    const root = values.root;
    if (!root && !values['dry-run']) throw new UsageError('--root is required', 'for example --root /target, or --dry-run to only list');
    const facts = await targetFacts(values.target);
    const r = validateProfile(file);
    if (!r.ok) {
      for (const i of r.issues) io.stderr.write(`${formatIssue(i)}\n`);
      io.stderr.write('nothing was written: fix the profile first\n');
      return EXIT.failed;
    }
    if (values['dry-run']) {
      for (const f of renderFiles(r.profile, facts))
        io.stdout.write(
          f.absent
            ? `remove ${f.path} (${f.id})\n`
            : `${f.mode.toString(8).padStart(4, '0')} ${f.owner} ${f.path} (${f.id}, ${Buffer.byteLength(f.content)} bytes${f.checkName ? `, checked with ${f.checkName}` : ''})\n`,
        );
      return EXIT.ok;
    }
    // The root is checked before anything else reads it: exists, a directory, writable, not / by accident.
    const real = openTargetRoot(root!, {
      allowSystem: Boolean(values[THIS_SYSTEM_FLAG]),
      systemHint: `add --${THIS_SYSTEM_FLAG} to re-render this running node on purpose`,
    });
    const admin = r.profile.users.admin.name;
    const hasAccounts = fileUnder(real, '/etc/passwd');
    const existing = hasAccounts ? adminAccount(real, admin) : undefined;
    const plan = planAccounts(r.profile, existing);
    const files = renderFiles(r.profile, facts, { adminHome: plan.admin.home });
    const res = await writeFileSet(real, files, {
      allowSystem: true,
      // Accounts after the checks and before the files move, so the admin's files get their owner.
      beforeMove: async () => {
        if (hasAccounts) await applyAccounts(real, plan);
      },
    });
    io.stdout.write(
      hasAccounts
        ? `accounts: ${admin} (sudo, debvisor-admin), root locked\n`
        : `accounts: skipped, ${root} has no etc/passwd (the installer creates them on the target system)\n`,
    );
    for (const path of res.written) io.stdout.write(`wrote ${path}\n`);
    for (const path of res.removed) io.stdout.write(`removed ${path}\n`);
    for (const path of res.ownerMissing) io.stdout.write(`note: ${path} is owned by root: its user does not exist under ${root} yet\n`);
    for (const u of res.unchecked) io.stderr.write(`warning: ${u.path} was not checked with ${u.check}: ${u.reason}\n`);
    return EXIT.ok;
  },
});
