import { EXIT, defineCommand } from '../../core/cli/command.js';
import { DEFAULT_CONSOLES, openConsoles, runUnattended } from '../unattended/run-unattended.js';

export default defineCommand({
  words: ['install', 'unattended'],
  summary: 'find the profile (kernel command line, DEBVISOR-PROFILE stick, embedded, DHCP), check it, plan and install (the unattended boot entry runs this)',
  options: {
    consoles: { type: 'string', help: `comma-separated devices for the progress and failure screen (default ${DEFAULT_CONSOLES.join(',')})` },
    'dry-run': { type: 'boolean', help: 'stop after the plan: touch nothing' },
    'no-reboot': { type: 'boolean', help: "exit when done instead of the profile's install.finish and install.onError" },
  },
  async run({ values, io }) {
    const devices = values.consoles === undefined ? DEFAULT_CONSOLES : values.consoles.split(',').filter(Boolean);
    const opened = openConsoles(devices);
    // The serial port gets the events as JSON lines too, for a machine watching it.
    const serial = openConsoles(devices.filter((d) => d.startsWith('/dev/ttyS')));
    try {
      const ok = await runUnattended({
        consoles: [io.stdout, ...opened.outs],
        eventStreams: serial.outs,
        dryRun: !!values['dry-run'],
        finishAction: !values['dry-run'] && !values['no-reboot'],
      });
      return ok ? EXIT.ok : EXIT.failed;
    } finally {
      opened.close();
      serial.close();
    }
  },
});
