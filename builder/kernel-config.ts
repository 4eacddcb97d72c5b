/** `CONFIG_X=y|m|"text"|n`, where "n" also stands for `# CONFIG_X is not set`. */
export type KernelConfig = Map<string, string>;

export function parseKernelConfig(text: string): KernelConfig {
  const out: KernelConfig = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const unset = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(line);
    if (unset) out.set(unset[1]!, 'n');
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (set) out.set(set[1]!, set[2]!);
  }
  return out;
}

export interface FragmentCheck {
  /** Options the config already has exactly as the fragment wants. */
  satisfied: string[];
  /** Options that differ: what the fragment wants, what the config has ("n" if absent). */
  differing: { option: string; want: string; have: string }[];
}

/** Compares a config with a fragment: for Debian's kernel, which options it already satisfies. */
export function checkFragment(config: KernelConfig, fragment: KernelConfig): FragmentCheck {
  const out: FragmentCheck = { satisfied: [], differing: [] };
  for (const [option, want] of fragment) {
    const have = config.get(option) ?? 'n';
    if (have === want) out.satisfied.push(option);
    else out.differing.push({ option, want, have });
  }
  return out;
}

/** The fragment laid over a base config (what merge_config.sh does before `make olddefconfig`). */
export function mergeKernelConfig(base: KernelConfig, fragment: KernelConfig): KernelConfig {
  const out = new Map(base);
  for (const [k, v] of fragment) out.set(k, v);
  return out;
}

export function formatKernelConfig(config: KernelConfig): string {
  return `${[...config].map(([k, v]) => (v === 'n' ? `# ${k} is not set` : `${k}=${v}`)).join('\n')}\n`;
}
