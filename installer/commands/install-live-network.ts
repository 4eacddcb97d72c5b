import { readFileSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { DebvisorError } from '../../core/errors.js';
import { splitCmdline } from '../unattended/cmdline.js';
import { bringUpLiveNetwork, type LiveNetworkResult } from '../unattended/live-network-run.js';

/** What the console and the journal show: one line per fact. */
export function describeLiveNetwork(r: LiveNetworkResult): string[] {
  if (r.skipped) return [`live network: left as it is: ${r.skipped}`];
  const lines: string[] = [];
  if (r.raised.length) lines.push(`live network: raised ${r.raised.join(', ')}`);
  for (const s of r.notAsked) if (s.iface !== 'lo') lines.push(`live network: ${s.iface} not asked: ${s.why}`);
  for (const d of r.dhcp) lines.push(`live network: DHCP on ${d.iface}: ${d.lease ? 'lease' : 'no answer'}`);
  const ethernet = r.raised.length > 0 || r.dhcp.length > 0 || r.notAsked.some((s) => !/^not Ethernet/.test(s.why));
  const why = r.dhcp.length
    ? `no DHCP answer on ${r.dhcp.map((d) => d.iface).join(', ')}`
    : ethernet
      ? 'no Ethernet link has a carrier'
      : 'no Ethernet interface';
  lines.push(
    r.address
      ? `live network: up (${r.address}) after ${(r.ms / 1000).toFixed(1)} s`
      : `live network: no address after ${(r.ms / 1000).toFixed(1)} s (${why}); a profile from the network cannot be fetched. Boot with ip=ADDR::GATEWAY:MASK::IFACE:none for a static address, or give the profile on a DEBVISOR-PROFILE stick`,
  );
  return lines;
}

export default defineCommand({
  words: ['install', 'live-network'],
  summary: 'live system only: DHCP on every Ethernet link with a carrier when the boot configured no network (the live boot runs this)',
  options: {},
  async run({ io }) {
    const cmdline = readFileSync('/proc/cmdline', 'utf8');
    // On a node this would run DHCP beside its own network configuration.
    if (!splitCmdline(cmdline).includes('boot=live'))
      throw new DebvisorError('E_LIVE_NETWORK', 'this is not the live system (no boot=live on the kernel command line): its network is left alone', {
        hint: "a node's network is /etc/network/interfaces (ifupdown2); this command is for the installer's live system",
      });
    const r = await bringUpLiveNetwork({ cmdline });
    for (const l of describeLiveNetwork(r)) io.stdout.write(`${l}\n`);
    // No address is not a failure of this unit: a profile from the ISO or a stick needs none.
    return EXIT.ok;
  },
});
