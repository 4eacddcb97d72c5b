import { defaultBuild } from './helpers/default-build.js';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/**
 * The golden files of the trixie renderings prove only that the text did not change. Here the
 * built image's own tools render the hardened defaults into the image's own root (as a node
 * re-renders itself) and trixie's daemons check them: OpenSSH 10, nginx 1.26, nft, visudo and
 * fail2ban of Debian 13, not this machine's Debian 12 ones.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const PROFILE = join(repo, 'test/fixtures/profiles/lab-node.yaml');
let dir: string;
let root: string;
/** The image's Python bytecode as Python itself would judge it, read before anything in the image runs Python. */
let bytecode: { dirs: string[]; modules: number; stale: string[] };

/**
 * For every directory with a __pycache__ under /usr: each module's .pyc exists and is the one
 * Python loads (its magic, and the source's time and size in the header), or it is stale.
 */
const BYTECODE_CHECK = `
import importlib.util, json, os, struct, subprocess
dirs = sorted({os.path.dirname(d) for d in subprocess.run(['find', '/usr', '-type', 'd', '-name', '__pycache__'], capture_output=True, text=True).stdout.split()})
stale, n = [], 0
for d in dirs:
    for f in sorted(os.listdir(d)):
        if not f.endswith('.py'):
            continue
        src = os.path.join(d, f); n += 1
        try:
            with open(importlib.util.cache_from_source(src), 'rb') as h:
                head = h.read(16)
            st = os.stat(src)
            flags, mtime, size = struct.unpack('<III', head[4:16])
            if head[:4] != importlib.util.MAGIC_NUMBER or flags != 0 or mtime != int(st.st_mtime) & 0xFFFFFFFF or size != st.st_size & 0xFFFFFFFF:
                stale.append(src)
        except OSError:
            stale.append(src)
print(json.dumps({'dirs': dirs, 'modules': n, 'stale': stale}))
`;

/**
 * A command in the image's root: private mounts and an empty network namespace, gone afterwards.
 * The root is bound onto itself so that it is a mount point, as / is on a node (render's checks
 * make private mount namespaces of their own).
 */
const inImage = (argv: string[]) =>
  execa(
    'unshare',
    [
      '-m',
      '-n',
      'sh',
      '-c',
      'R=$1; shift; mount --make-rprivate / && mount --bind "$R" "$R" && mount -t proc proc "$R/proc" && mount --rbind /dev "$R/dev" && mount -t tmpfs tmpfs "$R/run" && mount -t tmpfs tmpfs "$R/tmp" && exec chroot "$R" "$@"',
      'sh',
      root,
      ...argv,
    ],
    { reject: false, stdin: 'ignore', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } },
  );
const ok = async (argv: string[]) => {
  const r = await inImage(argv);
  expect(r.exitCode, `${argv.join(' ')} in the image:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-trixie-'));
  root = join(dir, 'root');
  // The default spec with the shared cache: after the ISO tests this reuses every stage.
  await defaultBuild();
  await execa('unsquashfs', ['-q', '-n', '-d', root, join(repo, 'out/netboot/filesystem.squashfs')]);
  const pyc = await inImage(['python3', '-B', '-c', BYTECODE_CHECK]);
  if (pyc.exitCode !== 0) throw new Error(`the bytecode check in the image failed:\n${pyc.stdout}\n${pyc.stderr}`);
  bytecode = JSON.parse(String(pyc.stdout));
  mkdirSync(join(root, 'root/debvisor-test'), { recursive: true });
  // The lab profile and the parent it extends.
  copyFileSync(PROFILE, join(root, 'root/debvisor-test/profile.yaml'));
  copyFileSync(join(repo, 'test/fixtures/profiles/base.yaml'), join(root, 'root/debvisor-test/base.yaml'));
  const render = await inImage(['debvisor', 'render', '/root/debvisor-test/profile.yaml', '--root', '/', '--this-system', '--target', 'host']);
  if (render.exitCode !== 0) throw new Error(`debvisor render in the image failed:\n${render.stdout}\n${render.stderr}`);
  const tls = await inImage(['debvisor', 'tls', 'self-signed', 'node.lab.example.com', '--root', '/']);
  if (tls.exitCode !== 0) throw new Error(`debvisor tls self-signed in the image failed:\n${tls.stdout}\n${tls.stderr}`);
  // What the live system's boot does before sshd starts: host keys, sshd's runtime directory.
  await ok(['ssh-keygen', '-A']);
}, 3_000_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the hardened defaults, checked by Debian 13's own daemons in the built image", () => {
  it('OpenSSH: sshd -t passes and sshd -T shows the hardened values', async () => {
    const version = (await inImage(['sshd', '-V'])).stderr;
    expect(version).toMatch(/OpenSSH_(9\.[89]|1\d)/);
    await ok(['sh', '-c', 'mkdir -p /run/sshd && sshd -t']);
    const t = String((await ok(['sh', '-c', 'mkdir -p /run/sshd && sshd -T -C user=admin,host=client,addr=192.0.2.1'])).stdout);
    expect(t).toMatch(/^permitrootlogin no$/m);
    expect(t).toMatch(/^passwordauthentication no$/m);
    expect(t).toMatch(/^kbdinteractiveauthentication yes$/m);
    expect(t).not.toMatch(/^kexalgorithms .*sha1/m);
  });
  it('nginx: nginx -t passes with the panel site and the stand-in certificate', async () => {
    const v = (await inImage(['nginx', '-v'])).stderr;
    expect(v).toMatch(/nginx\/1\.(2[6-9]|[3-9]\d)/);
    await ok(['sh', '-c', 'mkdir -p /var/lib/nginx /var/log/nginx && nginx -t']);
  });
  it('nftables: the ruleset loads with nft -c', async () => {
    await ok(['nft', '-c', '-f', '/etc/nftables.conf']);
  });
  it('sudo: visudo -c accepts the sudoers tree', async () => {
    await ok(['visudo', '-c']);
  });
  it('fail2ban: fail2ban-client -t accepts the jails', async () => {
    await ok(['fail2ban-client', '-t']);
  });
});

describe("the node's initramfs built with the image (install apply takes it instead of building one)", () => {
  it('has no live-boot parts, has what a node root needs (LVM, md, cryptsetup), and the image keeps its live hooks', async () => {
    const kernels = String((await ok(['sh', '-c', 'ls /boot | sed -n "s/^vmlinuz-//p"'])).stdout)
      .split('\n')
      .filter(Boolean);
    expect(kernels.length).toBeGreaterThan(0);
    for (const v of kernels) {
      const list = String((await ok(['lsinitramfs', `/usr/lib/debvisor/node-initramfs/initrd.img-${v}`])).stdout).split('\n');
      expect(list).toContain('usr/sbin/lvm');
      expect(list).toContain('usr/sbin/mdadm');
      expect(list).toContain('usr/sbin/cryptsetup');
      expect(list).toContain(`usr/lib/modules/${v}/modules.dep`);
      expect(list.filter((f) => /(^|\/)live(\/|$)|live-boot/.test(f))).toEqual([]);
    }
    // Its files were only set aside while it was built.
    await ok(['test', '-x', '/usr/share/initramfs-tools/hooks/live']);
    await ok(['test', '-f', '/usr/share/initramfs-tools/scripts/live']);
    expect(existsSync(join(root, 'tmp/debvisor-node-initramfs'))).toBe(false);
  });
});

describe("the image's Python bytecode (live-build's hook deletes it; the image compiles it again)", () => {
  it('every module Debian compiled has its current .pyc: ifupdown2 and fail2ban start without compiling on a first boot', () => {
    expect(bytecode.dirs).toContain('/usr/share/ifupdown2/addons');
    expect(bytecode.dirs).toContain('/usr/lib/python3/dist-packages/fail2ban/server');
    expect(bytecode.modules).toBeGreaterThan(500);
    expect(bytecode.stale).toEqual([]);
  });
});
