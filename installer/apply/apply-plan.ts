import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DebvisorError } from '../../core/errors.js';
import type { ApplyContext } from './context.js';
import { encryptSystem, enrolTpm2, writeCrypttab } from './steps-crypt.js';
import { checkDisks, createLvm, createRaid, makeFilesystems, mountTarget, partitionDisks, wipeDisks } from './steps-disks.js';
import {
  copySystem,
  createAccounts,
  enableUnits,
  finish,
  installBootloaders,
  makeNodeUnique,
  removeLivePackages,
  renderDefaults,
  saveLogs,
  saveProfile,
  updateInitramfs,
  writeFstab,
  writeNetwork,
} from './steps-system.js';

type StepFn = (ctx: ApplyContext) => Promise<void>;

/** The executor's table: one function per step id of the plan (installer/plan/steps.ts). The plan decides which run, in what order. */
export const STEP_ACTIONS: Readonly<Record<string, StepFn>> = {
  'check-disks': checkDisks,
  'wipe-disks': wipeDisks,
  'partition-disks': partitionDisks,
  'create-raid': createRaid,
  'encrypt-system': encryptSystem,
  'enrol-tpm2': enrolTpm2,
  'create-lvm': createLvm,
  'make-filesystems': makeFilesystems,
  'mount-target': mountTarget,
  'copy-system': copySystem,
  'remove-live-packages': removeLivePackages,
  'write-fstab': writeFstab,
  'write-crypttab': writeCrypttab,
  'write-network': writeNetwork,
  'make-node-unique': makeNodeUnique,
  'create-accounts': createAccounts,
  'render-defaults': renderDefaults,
  'install-bootloaders': installBootloaders,
  'update-initramfs': updateInitramfs,
  'enable-units': enableUnits,
  'save-profile': saveProfile,
  'save-logs': saveLogs,
  finish,
};

/** Directories of the running system a new root must never be mounted on or in. */
const SYSTEM_DIRS = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib64', '/proc', '/sbin', '/sys', '/usr', '/var'];

/** Pure: why a --target cannot take the new root (it would hide or replace the running system), if it cannot. */
export function targetRefusal(target: string): string | undefined {
  if (!isAbsolute(target)) return 'it is not an absolute path';
  const t = resolve(target);
  if (t === '/') return "it is the running system's root";
  const sys = SYSTEM_DIRS.find((d) => t === d || t.startsWith(`${d}/`));
  if (sys) return `it is in the running system's ${sys}`;
  return undefined;
}

/** Refuses a plan the executor cannot or must not carry out, before any step runs. */
function refuse(ctx: ApplyContext): void {
  const { plan } = ctx;
  const bad = targetRefusal(ctx.target);
  if (bad)
    throw new DebvisorError('E_TARGET', `--target ${ctx.target}: ${bad}; nothing was touched`, {
      hint: 'give an empty directory of its own, such as /target (the default) or one under /mnt',
    });
  if (!plan.ok || plan.errors.length || !plan.steps.length) {
    throw new DebvisorError('E_PLAN_REFUSED', 'the plan has errors: nothing was touched', { hint: 'run debvisor install plan and fix what it reports' });
  }
  if (plan.steps[0]?.id !== 'check-disks') throw new DebvisorError('E_INTERNAL', 'a plan must begin by checking its disks');
  const unknown = plan.steps.filter((s) => !STEP_ACTIONS[s.id]).map((s) => s.id);
  if (unknown.length)
    throw new DebvisorError('E_APPLY_UNSUPPORTED', `this installer cannot carry out the steps ${unknown.join(', ')} yet: nothing was touched`, {
      hint: 'choose lvm-thin, ext4 or xfs (install.storage.filesystem)',
    });
  if (!existsSync(ctx.squashfs))
    throw new DebvisorError('E_NO_IMAGE', `the system image ${ctx.squashfs} is not there: nothing was touched`, {
      hint: 'install apply runs in the DebVisor live system (or give --squashfs)',
    });
  if (!plan.network)
    throw new DebvisorError('E_PLAN_REFUSED', 'the plan has no network: nothing was touched', { hint: 'check network.interface.match against the facts' });
}

/**
 * Carries out a plan, step by step, in its order: each step is an event (step id, progress,
 * what it does) before it runs and one when it is done. A failure names the step and stops there;
 * the target is unmounted again (the disks stay as the failed step left them).
 */
export async function applyPlan(ctx: ApplyContext): Promise<void> {
  refuse(ctx);
  const steps = ctx.plan.steps;
  for (const [i, s] of steps.entries()) {
    const t0 = Date.now();
    ctx.events.info(s.does, { step: s.id, progress: i / steps.length, data: { kind: 'step', index: i + 1, of: steps.length } });
    try {
      await STEP_ACTIONS[s.id]!(ctx);
    } catch (err) {
      const code = err instanceof DebvisorError ? err.code : 'E_INTERNAL';
      const hint = err instanceof DebvisorError ? err.hint : undefined;
      ctx.events.error(`step ${s.id} failed: ${(err as Error).message}`, { step: s.id, code, ...(hint ? { hint } : {}) });
      if (ctx.state.mounted)
        await ctx.run(['umount', '--recursive', '--lazy', ctx.target], { events: ctx.events, step: s.id, allowFailure: true }).catch(() => undefined);
      throw err;
    }
    ctx.events.info(`${s.id} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`, { step: s.id, progress: (i + 1) / steps.length });
  }
}
