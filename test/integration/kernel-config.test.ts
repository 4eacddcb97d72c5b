import { describe, it, expect, beforeAll } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchKernelInputs, prepareKernelConfig, type KernelInputs } from '../../builder/kernel-source.js';
import { DebvisorError } from '../../core/errors.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** Kept between runs (150 MB download): a second run of the suite reuses it. */
const CACHE = join(repo, 'cache/kernel');
const FRAGMENT = readFileSync(join(repo, 'iso/kernel/debvisor.config'), 'utf8');
let inputs: KernelInputs;
const log = join(CACHE, 'kernel.log');
/** Out-of-tree object directory: the unpacked source stays clean for every other build. */
const OBJ = join(CACHE, 'obj-config-test');

beforeAll(async () => {
  mkdirSync(CACHE, { recursive: true });
  inputs = await fetchKernelInputs('http://deb.debian.org/debian', 'trixie', CACHE, log);
}, 900_000);

describe("the kernel fragment on Debian's real kernel source", () => {
  it("survives make olddefconfig on top of Debian 13's amd64 config: every option kept", async () => {
    const check = await prepareKernelConfig(inputs.source, OBJ, { debian: inputs.config }, FRAGMENT, log);
    expect(check.differing).toEqual([]);
    expect(check.satisfied.length).toBeGreaterThan(40);
  }, 600_000);
  it("survives on the lean base too (the kernel's x86_64_defconfig): the fragment spells out its dependencies", async () => {
    const check = await prepareKernelConfig(inputs.source, join(CACHE, 'obj-config-test-defconfig'), { target: 'x86_64_defconfig' }, FRAGMENT, log);
    expect(check.differing).toEqual([]);
  }, 600_000);
  it('fails loudly, naming the option, when olddefconfig drops one', async () => {
    const bad = `${FRAGMENT}\nCONFIG_KVM_AMD_SEV=y\n# CONFIG_KVM_AMD is not set\nCONFIG_DEBVISOR_NO_SUCH_SYMBOL=y\n`;
    const err = await prepareKernelConfig(inputs.source, OBJ, { debian: inputs.config }, bad, log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DebvisorError);
    const details = (err as DebvisorError).details.join('\n');
    expect(details).toContain('CONFIG_DEBVISOR_NO_SUCH_SYMBOL: fragment wants y, the merged config has n');
    expect(details).toContain('CONFIG_KVM_AMD_SEV: fragment wants y');
  }, 600_000);
});
