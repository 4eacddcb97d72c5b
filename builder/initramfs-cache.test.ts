import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stageKey } from './stage-cache.js';
import { haveInitramfs, initramfsIncludes, initramfsInputs, restoreLiveInitramfs, restoreNodeInitramfs, saveInitramfs } from './initramfs-cache.js';
import { NODE_INITRAMFS_HOOK, type LbFile } from './live-build.js';

const inc = (path: string, content = 'x'): LbFile => ({ path: `config/includes.chroot/${path}`, content, mode: 0o644 });
const base = { layerKey: 'layer', debSha256: 'deb', epoch: 1, lbConfig: ['--initramfs', 'live-boot'] };
const key = (files: LbFile[], o: Partial<typeof base> = {}) => stageKey(initramfsInputs({ ...base, ...o, files }));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'debvisor-initramfs-cache-'));
  dirs.push(d);
  return d;
};
const put = (root: string, path: string, content: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
};

describe('the initramfs images kept apart from the chroot stage', () => {
  it("an include no initramfs reads (the bench's stamp, a daemon's configuration) keeps the key; one it reads changes it", () => {
    const files = [inc('etc/debvisor-bench-stamp', 'a'), inc('etc/ssh/sshd_config.d/x.conf'), inc('etc/modprobe.d/kvm.conf', 'options kvm')];
    const k = key(files);
    expect(key([inc('etc/debvisor-bench-stamp', 'b'), ...files.slice(1)])).toBe(k);
    expect(key([...files.slice(0, 2), inc('etc/modprobe.d/kvm.conf', 'options kvm nested=1')])).not.toBe(k);
    for (const p of [
      'etc/initramfs-tools/modules',
      'usr/share/initramfs-tools/hooks/x',
      'etc/mdadm/mdadm.conf',
      'etc/udev/rules.d/1.rules',
      'usr/sbin/tool',
      'usr/lib/firmware/f.bin',
    ])
      expect(key([...files, inc(p)]), p).not.toBe(k);
    expect(initramfsIncludes(files).map((f) => f.path)).toEqual(['config/includes.chroot/etc/modprobe.d/kvm.conf']);
  });
  it('any hook, the packages layer, the .deb, the epoch or the lb config arguments change the key', () => {
    const files = [inc('etc/x')];
    const k = key(files);
    expect(key([...files, { path: 'config/hooks/normal/0100-x.hook.chroot', content: 'true', mode: 0o755 }])).not.toBe(k);
    expect(key(files, { layerKey: 'other' })).not.toBe(k);
    expect(key(files, { debSha256: 'other' })).not.toBe(k);
    expect(key(files, { epoch: 2 })).not.toBe(k);
    expect(key(files, { lbConfig: ['--initramfs-compression', 'lzma'] })).not.toBe(k);
  });
  it('saved after a build, put back in the next: the node image marked for its hook, the live image with its record and live-build told to keep it', () => {
    const chroot = tmp();
    const cache = { dir: join(tmp(), 'initramfs'), key: 'k1' };
    put(chroot, 'boot/initrd.img-6.12', 'live initrd');
    put(chroot, 'boot/vmlinuz-6.12', 'kernel');
    put(chroot, 'var/lib/initramfs-tools/6.12', 'sha1 of live initrd');
    put(chroot, 'usr/lib/debvisor/node-initramfs/initrd.img-6.12', 'node initrd');
    // mdadm's initramfs hook wrote the configuration it found missing (live-build's hook 8040 removes it before).
    put(chroot, 'etc/mdadm/mdadm.conf', 'HOMEHOST <system>');
    expect(haveInitramfs(cache)).toBe(false);
    saveInitramfs(cache, chroot);
    expect(haveInitramfs(cache)).toBe(true);

    const next = tmp();
    put(next, 'boot/initrd.img-6.12', 'stale live initrd from the packages layer');
    put(next, 'usr/lib/debvisor/node-initramfs/initrd.img-old', 'left over');
    mkdirSync(join(next, 'etc/mdadm'), { recursive: true });
    restoreNodeInitramfs(cache, next);
    expect(readdirSync(join(next, 'usr/lib/debvisor/node-initramfs')).sort()).toEqual(['.debvisor-reused', 'initrd.img-6.12']);
    expect(readFileSync(join(next, 'boot/initrd.img-6.12'), 'utf8')).toBe('stale live initrd from the packages layer');
    restoreLiveInitramfs(cache, next);
    expect(readFileSync(join(next, 'boot/initrd.img-6.12'), 'utf8')).toBe('live initrd');
    expect(readFileSync(join(next, 'var/lib/initramfs-tools/6.12'), 'utf8')).toBe('sha1 of live initrd');
    expect(existsSync(join(next, 'boot/vmlinuz-6.12'))).toBe(false);
    expect(existsSync(join(next, 'initrd.img_has_already_been_regenerated'))).toBe(true);
    expect(readFileSync(join(next, 'etc/mdadm/mdadm.conf'), 'utf8')).toBe('HOMEHOST <system>');
    // The hook sees the mark, removes it and keeps the image.
    expect(NODE_INITRAMFS_HOOK).toContain('if [ -e "$out/.debvisor-reused" ]; then rm -f "$out/.debvisor-reused"; exit 0; fi');
  });
  it('keeps one key: a new save drops the others; a save cut short is not taken', () => {
    const chroot = tmp();
    const dir = join(tmp(), 'initramfs');
    put(chroot, 'boot/initrd.img-6.12', 'a');
    put(chroot, 'usr/lib/debvisor/node-initramfs/initrd.img-6.12', 'b');
    put(chroot, 'usr/lib/debvisor/node-initramfs/.debvisor-reused', '');
    saveInitramfs({ dir, key: 'k1' }, chroot);
    saveInitramfs({ dir, key: 'k2' }, chroot);
    expect(readdirSync(dir)).toEqual(['k2']);
    expect(readdirSync(join(dir, 'k2/node'))).toEqual(['initrd.img-6.12']);
    mkdirSync(join(dir, 'k3/node'), { recursive: true });
    expect(haveInitramfs({ dir, key: 'k3' })).toBe(false);
  });
});
