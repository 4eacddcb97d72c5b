import { existsSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_TARGET, LIVE_SQUASHFS } from '../apply/context.js';
import { runInstall } from '../run/run-install.js';

export { FAILED, SUCCEEDED } from '../run/run-install.js';

export default defineCommand({
  words: ['install', 'apply'],
  summary: 'install DebVisor on this machine from a profile: wipes the planned disks, copies the system, writes the node (needs --yes)',
  args: 'PROFILE',
  minArgs: 1,
  maxArgs: 1,
  options: {
    facts: {
      type: 'string',
      help: 'the facts the plan is made from (debvisor facts --out); default: read this machine. The disks are read again before anything is written',
    },
    target: { type: 'string', help: `where the new root is mounted during the install (default ${DEFAULT_TARGET})` },
    squashfs: { type: 'string', help: `the system image to copy (default ${LIVE_SQUASHFS}, the live system's own)` },
    yes: { type: 'boolean', help: 'really wipe the disks the plan names; without it the plan is printed and nothing is touched' },
    'no-reboot': {
      type: 'boolean',
      help: "exit when done instead of the profile's install.finish (reboot or poweroff), and on a failure instead of its install.onError",
    },
  },
  async run({ positionals, values, io }) {
    const file = positionals[0]!;
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`, 'give the path of a profile YAML file');
    if (values.facts !== undefined && !existsSync(values.facts))
      throw new UsageError(`no such file: ${values.facts}`, 'give a facts file written by debvisor facts --out');
    // Validation and the plan come first and are printed; with a problem there, the failure screen says so and nothing is touched.
    const result = await runInstall({
      profilePath: file,
      ...(values.facts !== undefined ? { factsPath: values.facts } : {}),
      ...(values.target !== undefined ? { target: values.target } : {}),
      ...(values.squashfs !== undefined ? { squashfs: values.squashfs } : {}),
      dryRun: !values.yes,
      consoles: [io.stdout],
      bundleDirs: [],
      finishAction: !!values.yes && !values['no-reboot'],
    });
    if (!result.ok) return EXIT.failed;
    if (!values.yes) {
      io.stderr.write('nothing was touched: add --yes to wipe the disks listed above and install\n');
      return EXIT.failed;
    }
    return EXIT.ok;
  },
});
