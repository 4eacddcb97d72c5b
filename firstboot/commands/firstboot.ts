import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, defineCommand } from '../../core/cli/command.js';

/** The marker debvisor-firstboot.service is gated on (ConditionPathExists=!...). */
export const FIRSTBOOT_MARKER = '/var/lib/debvisor/firstboot.done';

export default defineCommand({
  words: ['firstboot'],
  summary: "run a node's first-boot steps once (for now: records that first boot ran)",
  async run({ io }) {
    mkdirSync(dirname(FIRSTBOOT_MARKER), { recursive: true });
    const at = new Date().toISOString();
    writeFileSync(FIRSTBOOT_MARKER, `first boot ran at ${at}\n`, { mode: 0o644 });
    io.stdout.write(`DebVisor first boot ran at ${at}\n`);
    return EXIT.ok;
  },
});
