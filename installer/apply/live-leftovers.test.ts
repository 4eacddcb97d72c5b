import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { liveBuildFiles, NODE_INITRAMFS_HOOK } from '../../builder/live-build.js';
import { loadBuildSpec } from '../../builder/spec.js';
import { LIVE_FILES, LIVE_PACKAGES, LIVE_UNITS, NODE_INITRAMFS_DIR } from './steps-system.js';
import { testDir } from '../../test/unit/helpers/temp-dir.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** What the image adds that the node keeps. */
const NODE_KEEPS = ['/etc/debvisor/kernel-fragment.config'];

function imageFiles() {
  const { spec } = loadBuildSpec(join(repo, 'iso/build.yaml'), repo);
  const dir = testDir('live-leftovers-');
  writeFileSync(join(dir, 'd.deb'), 'deb');
  // profileSigners and profile set, so their files are in the list too.
  return liveBuildFiles({ ...spec, profile: 'p.yaml', profileSigners: 'signers' }, '0.1.0', { repo, debPath: join(dir, 'd.deb'), debFile: 'd.deb' }, () => 'x');
}

describe('the live system left on the node', () => {
  it('every file the image build adds is taken off the node by install apply, or kept on purpose', () => {
    const added = imageFiles()
      .filter((f) => f.path.startsWith('config/includes.chroot/'))
      .map((f) => f.path.slice('config/includes.chroot'.length));
    expect(added.length).toBeGreaterThan(5);
    const left = added.filter((p) => !NODE_KEEPS.includes(p) && !LIVE_FILES.some((l) => p === l || p.startsWith(`${l}/`)));
    expect(left).toEqual([]);
  });

  it('every unit the image enables is disabled on the node', () => {
    const enabled = imageFiles()
      .filter((f) => f.path.startsWith('config/hooks/'))
      .flatMap((f) => [...String(f.content).matchAll(/systemctl enable ([^\n]+)/g)].flatMap((m) => m[1]!.trim().split(/\s+/)));
    expect(enabled).toContain('debvisor-unattended.service');
    expect(enabled.filter((u) => !LIVE_UNITS.includes(u))).toEqual([]);
  });

  it('the node initramfs built with the image leaves out exactly the packages install apply purges, where apply looks for it', () => {
    const listed = /dpkg-query -L ([a-z0-9 -]+?) 2>/.exec(NODE_INITRAMFS_HOOK)![1]!.split(' ');
    expect(listed).toEqual(LIVE_PACKAGES);
    expect(NODE_INITRAMFS_HOOK).toContain(`out=${NODE_INITRAMFS_DIR}\n`);
    expect(imageFiles().map((f) => f.path)).toContain('config/hooks/normal/0410-debvisor-node-initramfs.hook.chroot');
  });
});
