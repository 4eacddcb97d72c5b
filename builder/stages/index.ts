import { binary } from './binary.js';
import { binaryTools } from './binary-tools.js';
import { bootstrap } from './bootstrap.js';
import { chroot } from './chroot.js';
import { kernel } from './kernel.js';
import { netboot } from './netboot.js';
import { packageDeb } from './package-deb.js';
import { release } from './release.js';
import { STAGES, type Stage } from './stage.js';

/** The build, in order: each stage reads only what the stages before it made. */
export const STAGE_TABLE: readonly Stage[] = [packageDeb, kernel, bootstrap, binaryTools, chroot, binary, netboot, release];

// The table and the names the report uses are the same list.
if (STAGE_TABLE.map((s) => s.name).join() !== STAGES.join()) throw new Error('STAGE_TABLE and STAGES differ');

export { STAGES };
export type { BuildContext, Stage, StageName } from './stage.js';
