import { FACTS_VERSION, type HardwareFacts, type NicFacts } from '../../profiles/facts.js';
import { safeText } from '../../core/text.js';
import type { RawFacts } from './raw.js';
import { parseLsblk } from './parse-lsblk.js';
import { parseWipefs, mergeSignatures } from './parse-wipefs.js';
import { parseCpuinfo, parseMeminfo } from './parse-proc.js';

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14}$/;
const DEV_LINK = /^[A-Za-z0-9][A-Za-z0-9_.:@+,=#%\\-]{0,254}$/;

/** Permanent MAC addresses from `ip -json -details link show` (`permaddr` appears when it differs from the current one). */
export function parsePermanentMacs(json: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!json) return out;
  for (const l of JSON.parse(json) as { ifname?: string; permaddr?: string }[]) {
    const mac = l.permaddr?.toLowerCase();
    if (l.ifname && mac && MAC.test(mac)) out.set(l.ifname, mac);
  }
  return out;
}

/** Physical Ethernet interfaces from /sys/class/net, sorted by name. */
export function parseNics(raw: RawFacts): NicFacts[] {
  const perm = parsePermanentMacs(raw.ipLink);
  return Object.entries(raw.net)
    .filter(([name, n]) => IFNAME.test(name) && (n.type === undefined || n.type.trim() === '1'))
    .flatMap(([name, n]) => {
      const current = n.address?.trim().toLowerCase();
      if (!current || !MAC.test(current)) return [];
      const mac = perm.get(name) ?? current;
      const speed = Number(n.speed?.trim());
      const link = n.carrier?.trim() === '1';
      const nic: NicFacts = { name, mac, link };
      if (mac !== current) nic.currentMac = current;
      if (n.driver && /^[A-Za-z0-9_.-]{1,64}$/.test(n.driver)) nic.driver = n.driver;
      if (link && Number.isInteger(speed) && speed > 0) nic.speedMbps = speed;
      return [nic];
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

function links(map: Record<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [link, target] of Object.entries(map)) {
    if (!DEV_LINK.test(link)) continue;
    out.set(target, [...(out.get(target) ?? []), link].sort());
  }
  return out;
}

function dmiValue(v: string | undefined): string | undefined {
  const t = v === undefined ? '' : safeText(v.trim()).slice(0, 256);
  return t === '' ? undefined : t;
}

/** Pure: a raw capture of a machine → its facts. */
export function factsFromRaw(raw: RawFacts): HardwareFacts {
  const byId = links(raw.byId);
  const byPath = links(raw.byPath);
  const disks = parseLsblk(raw.lsblk).map((d) => {
    const names = [d.name, ...d.partitions.map((p) => p.name)];
    const probed = names.flatMap((n) => (raw.wipefs[n] === undefined ? [] : parseWipefs(n, raw.wipefs[n]!)));
    const unprobed = names.filter((n) => raw.wipefs[n] === undefined);
    return {
      ...d,
      byId: byId.get(d.name) ?? [],
      byPath: byPath.get(d.name) ?? [],
      signatures: mergeSignatures([...probed, ...d.signatures]),
      ...(unprobed.length ? { unprobed } : {}),
    };
  });
  const facts: HardwareFacts = { factsVersion: FACTS_VERSION };
  const gathered = { ...(raw.at ? { at: raw.at } : {}), ...(raw.hostname ? { hostname: dmiValue(raw.hostname)! } : {}), ...(raw.by ? { by: raw.by } : {}) };
  if (Object.keys(gathered).length) facts.gathered = gathered;
  const secureBoot = raw.secureBootVar && raw.secureBootVar.length >= 5 ? raw.secureBootVar[4] === 1 : undefined;
  facts.firmware = raw.efi ? { mode: 'uefi', ...(secureBoot === undefined ? {} : { secureBoot }) } : { mode: 'bios' };
  facts.disks = disks;
  facts.nics = parseNics(raw);
  const cpu = parseCpuinfo(raw.cpuinfo);
  if (cpu) facts.cpu = cpu;
  const memory = parseMeminfo(raw.meminfo);
  if (memory) facts.memory = memory;
  const dmi = {
    vendor: dmiValue(raw.dmi.sys_vendor),
    product: dmiValue(raw.dmi.product_name),
    serial: dmiValue(raw.dmi.product_serial),
    uuid: dmiValue(raw.dmi.product_uuid),
  };
  const present = Object.fromEntries(Object.entries(dmi).filter(([, v]) => v !== undefined)) as NonNullable<HardwareFacts['dmi']>;
  if (Object.keys(present).length) facts.dmi = present;
  if (raw.tpm) facts.tpm = { version: raw.tpm.includes('2') ? '2.0' : raw.tpm.length ? '1.2' : 'none' };
  facts.image = { zfs: raw.zfs };
  return facts;
}
