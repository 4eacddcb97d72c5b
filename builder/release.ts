import { relative } from 'node:path';

export interface Artefact {
  path: string;
  bytes: number;
  sha256: string;
}

export interface PackageVersion {
  name: string;
  version: string;
}

/** `chroot.packages.live` as live-build writes it: "name<TAB>version" per line (name may carry :arch). */
export function parsePackageList(text: string): PackageVersion[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [name, version] = l.split(/\s+/);
      return { name: name!.replace(/:amd64$|:all$/, ''), version: version ?? '' };
    });
}

/** The SHA256SUMS format sha256sum -c reads: "<hex>  <name>". */
/** SHA256SUMS with names relative to the output directory, so `sha256sum -c` works there (netboot/ files too). */
export function sha256sums(artefacts: Artefact[], outDir: string): string {
  return `${artefacts.map((a) => `${a.sha256}  ${relative(outDir, a.path)}`).join('\n')}\n`;
}

/** An SPDX 2.3 JSON document listing every Debian package in the image, with purls. */
export function spdxSbom(name: string, version: string, created: string, packages: PackageVersion[], namespaceSeed: string): object {
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${name}-${version}`,
    documentNamespace: `https://debvisor.com/spdx/${name}-${version}-${namespaceSeed}`,
    creationInfo: { created, creators: ['Tool: debvisor-build'] },
    packages: packages.map((p, i) => ({
      SPDXID: `SPDXRef-Package-${i}`,
      name: p.name,
      versionInfo: p.version,
      supplier: 'Organization: Debian',
      downloadLocation: 'NOASSERTION',
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: `pkg:deb/debian/${encodeURIComponent(p.name)}@${encodeURIComponent(p.version)}?arch=amd64`,
        },
      ],
    })),
  };
}

/**
 * The iPXE script beside the netboot files. iPXE resolves relative names against the script's own
 * URL in every version, so kernel and initrd are named relatively. The live system fetches the
 * squashfs itself and needs an absolute URL: `${debvisor-base}` when a parent menu set it, else
 * `${cwduri}` (iPXE from 2024 on), else the directory of the DHCP boot file name, which is this
 * script's URL in the setup docs/pxe.md gives (older iPXE, such as QEMU's ROMs and Debian's
 * `ipxe` package, has no `${cwduri}`: it expands to nothing, and live-boot had no URL to fetch).
 * HTTP servers remove the `/..` segment (RFC 3986 dot segments).
 */
export function ipxeScript(cmdline: string): string {
  return [
    '#!ipxe',
    '# DebVisor netboot: serve this directory over HTTP and chain this script (see docs/pxe.md).',
    'isset ${debvisor-base} || set debvisor-base ${cwduri}',
    'isset ${debvisor-base} || set debvisor-base ${filename}/../',
    'echo DebVisor: live system from ${debvisor-base}',
    `kernel vmlinuz initrd=initrd.img ${cmdline} fetch=\${debvisor-base}filesystem.squashfs`,
    'initrd initrd.img',
    'boot',
    '',
  ].join('\n');
}
