import type { HardwareFacts } from '../../profiles/facts.js';
import { safeText } from '../../core/text.js';

/** Processors from /proc/cpuinfo: model, sockets, physical cores, logical CPUs, VT-x or AMD-V. */
export function parseCpuinfo(text: string): NonNullable<HardwareFacts['cpu']> | undefined {
  const blocks = text.split(/\n\s*\n/).filter((b) => /^processor\s*:/m.test(b));
  if (blocks.length === 0) return undefined;
  const field = (b: string, key: string) => new RegExp(`^${key}\\s*:\\s*(.*)$`, 'm').exec(b)?.[1]?.trim();
  const sockets = new Set(blocks.map((b) => field(b, 'physical id') ?? '0'));
  const cores = new Set(blocks.map((b) => `${field(b, 'physical id') ?? '0'}/${field(b, 'core id') ?? field(b, 'processor')}`));
  const flags = new Set((field(blocks[0]!, 'flags') ?? '').split(/\s+/));
  const model = field(blocks[0]!, 'model name');
  return {
    ...(model ? { model: safeText(model).slice(0, 256) } : {}),
    sockets: sockets.size,
    cores: cores.size,
    threads: blocks.length,
    virtualization: flags.has('vmx') ? 'vmx' : flags.has('svm') ? 'svm' : 'none',
  };
}

/** Memory the kernel sees, from /proc/meminfo's MemTotal. */
export function parseMeminfo(text: string): NonNullable<HardwareFacts['memory']> | undefined {
  const m = /^MemTotal:\s*([0-9]+)\s*kB/m.exec(text);
  return m ? { totalBytes: Number(m[1]) * 1024 } : undefined;
}
