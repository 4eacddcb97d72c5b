import { closeSync, constants, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { version } from '../../core/cli/run-cli.js';
import { gatherFacts } from '../facts/gather.js';
import { formatFacts } from '../facts/format-facts.js';

/**
 * Writes the facts file, only ever into a regular file: opened without following a link and
 * checked before a byte is written, so `--out /dev/sda` can never write to a disk.
 */
function writeFactsFile(file: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY, 0o644);
  } catch (err) {
    throw new UsageError(
      `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'give the path of a new or regular file (not a link, a device or a directory)',
    );
  }
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`${file} is not a regular file`, 'the facts go into a regular file; devices are only ever read');
    ftruncateSync(fd, 0);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export default defineCommand({
  words: ['facts'],
  summary: "show this machine's hardware facts (disks, interfaces, CPU, memory, firmware) read-only; --out saves them for planning elsewhere",
  options: {
    json: { type: 'boolean', help: 'print the facts as JSON (the facts file format)' },
    out: { type: 'string', help: 'also write the facts as JSON to this file (for install plan --facts on any machine)' },
  },
  async run({ values, io }) {
    const facts = await gatherFacts({ by: `debvisor ${version()}` });
    const json = `${JSON.stringify(facts, null, 2)}\n`;
    if (values.out !== undefined) writeFactsFile(values.out, json);
    io.stdout.write(values.json ? json : formatFacts(facts));
    return EXIT.ok;
  },
});
