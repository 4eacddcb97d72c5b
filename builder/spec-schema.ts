import type { Static } from '@sinclair/typebox';
import { obj, str, bool, int, oneOfStrings, list, Type } from '../core/schema-helpers.js';

export const COMPRESSIONS = ['lz4', 'zstd', 'xz', 'gzip', 'lzo'] as const;

const EntrySchema = obj('One boot menu entry.', {
  id: str('Short name (used for the default).', { pattern: '^[a-z][a-z0-9-]{0,30}$' }),
  label: str('What the menu shows.'),
  mode: oneOfStrings('What the live system does: the installer TUI, the installer on the serial console, an unattended install, or a rescue shell.', [
    'install',
    'install-serial',
    'unattended',
    'rescue',
  ] as const),
  serial: bool('Kernel messages and a login on the serial console (ttyS0).', false),
  append: list('Extra kernel arguments.', str('One argument.'), { default: [] }),
});

export const BuildSpecSchema = obj('What `npm run iso` / `debvisor build` makes: the DebVisor live ISO and its netboot files.', {
  version: Type.Literal(1, { description: 'Spec format version; always 1.' }),
  name: str('Image name, used in file names.', { default: 'debvisor', pattern: '^[a-z][a-z0-9-]{0,30}$' }),
  suite: oneOfStrings('Debian suite.', ['trixie'] as const, 'trixie'),
  mirror: str('Debian mirror for bootstrap and packages.', {
    default: 'http://deb.debian.org/debian',
    format: 'web-url',
    'x-hint': 'an http:// or https:// URL without user or password',
  }),
  securityMirror: str('Mirror of the security suite (trixie-security).', {
    default: 'http://deb.debian.org/debian-security',
    format: 'web-url',
    'x-hint': 'an http:// or https:// URL without user or password',
  }),
  snapshot: Type.Optional(
    str('A snapshot.debian.org timestamp such as 20260501T000000Z: pins every package for reproducible builds.', { pattern: '^[0-9]{8}T[0-9]{6}Z$' }),
  ),
  packages: list('Package lists under iso/packages/ (without .list), installed in the live system.', str('A list name.', { pattern: '^[a-z0-9-]+$' }), {
    default: ['base'],
    minItems: 1,
  }),
  kernel: obj(
    'The kernel.',
    {
      source: oneOfStrings(
        "`debian`: Debian's kernel (fast; development and CI); `custom`: built from Debian's source with the DebVisor fragment (release).",
        ['debian', 'custom'] as const,
        'debian',
      ),
      fragment: str('Kernel config fragment merged onto the base config; every option must survive the merge.', { default: 'iso/kernel/debvisor.config' }),
      base: oneOfStrings(
        "For `custom`: the config the fragment is laid on. `debian`: Debian's amd64 config, every driver (release; a long compile). `defconfig`: the kernel's x86_64_defconfig, a lean kernel for virtual machines and known hardware (a fraction of the compile time).",
        ['debian', 'defconfig'] as const,
        'debian',
      ),
    },
    { default: {} },
  ),
  squashfs: obj(
    'Compression of the live filesystem.',
    {
      compression: oneOfStrings('`lz4` builds fast (development); `xz` or `zstd` makes a small image (release).', COMPRESSIONS, 'lz4'),
      level: Type.Optional(int('Compression level (zstd 1-22, xz ignores it).', { minimum: 1, maximum: 22 })),
    },
    { default: {} },
  ),
  boot: obj('The boot menu (BIOS and UEFI).', {
    timeout: int('Seconds before the default entry boots, so an unattended boot needs no key.', { minimum: 1, maximum: 600, default: 5 }),
    default: str('Id of the default entry.', { default: 'install' }),
    serialSpeed: int('Baud rate of the serial console.', { default: 115200, minimum: 9600, maximum: 115200 }),
    entries: list('Menu entries, in order.', EntrySchema, { minItems: 1 }),
  }),
  outputs: obj(
    'What the build writes into the output directory.',
    {
      iso: bool('The hybrid ISO (CD and USB, BIOS and UEFI).', true),
      netboot: bool('Kernel, initrd, squashfs and an iPXE script for PXE.', true),
      sbom: bool('An SPDX SBOM of the packages in the image.', true),
    },
    { default: {} },
  ),
  profile: Type.Optional(str('A profile to embed in the image, used by the unattended entry.')),
  profileSigners: Type.Optional(
    str(
      'An OpenSSH allowed-signers file (ssh-keygen(1)): the unattended installer then accepts only profiles signed (debvisor profile sign) by a key it lists, in the namespace debvisor-profile.',
    ),
  ),
  signingKey: Type.Optional(str('GnuPG key id: sign SHA256SUMS with a detached signature.')),
});

export type BuildSpec = Static<typeof BuildSpecSchema>;
