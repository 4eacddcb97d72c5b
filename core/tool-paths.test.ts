import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { SHORT_RUN_NODE, TOOL_ENTRY } from './tool-paths.js';

/** Loads the parts of acme-client first boot loads, with Node's flags, and says which of Node's HTTP clients got loaded. */
async function undiciLoaded(flags: string[]): Promise<boolean> {
  const script = [
    "const { createRequire } = require('node:module');",
    `const r = createRequire(${JSON.stringify(fileURLToPath(new URL('../package.json', import.meta.url)))});`,
    "for (const m of ['acme-client/src/axios.js', 'acme-client/src/client.js', 'acme-client/src/crypto/index.js']) r(m);",
    'process.stdout.write(String(process.moduleLoadList.some((m) => /undici/.test(m))));',
  ].join('\n');
  const { stdout } = await execa(process.execPath, [...flags, '-e', script]);
  return stdout === 'true';
}

describe("the units' Node flags (first boot, certificate renewal)", () => {
  const flags = SHORT_RUN_NODE.slice(1, SHORT_RUN_NODE.indexOf(TOOL_ENTRY));

  it('keep undici out of loading the ACME client (axios probes the fetch globals when it loads)', async () => {
    expect(await undiciLoaded([])).toBe(true);
    expect(await undiciLoaded(flags)).toBe(false);
  });
});
