import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkYamlFile } from '../core/checked-yaml.js';
import { formatIssue, type Finding } from '../core/issue.js';
import { validateProfile } from '../profiles/validate.js';
import { DebvisorError } from '../core/errors.js';
import { BuildSpecSchema, type BuildSpec } from './spec-schema.js';

export interface LoadedSpec {
  spec: BuildSpec;
  file: string;
  /** The repository root the spec's relative paths are resolved against. */
  base: string;
}

/** Pure checks of meaning, with `exists` passed in so tests need no files. */
export function specFindings(spec: BuildSpec, exists: (path: string) => boolean): Finding[] {
  const out: Finding[] = [];
  const ids = spec.boot.entries.map((e) => e.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) out.push({ path: `/boot/entries/${i}/id`, code: 'E_SPEC_DUPLICATE', message: `entry id '${id}' is used twice` });
  });
  if (!ids.includes(spec.boot.default))
    out.push({
      path: '/boot/default',
      code: 'E_SPEC_DEFAULT',
      message: `no boot entry has the id '${spec.boot.default}'`,
      hint: `use one of: ${ids.join(', ')}`,
    });
  spec.packages.forEach((name, i) => {
    if (!exists(`iso/packages/${name}.list`))
      out.push({ path: `/packages/${i}`, code: 'E_SPEC_PACKAGES', message: `no package list iso/packages/${name}.list` });
  });
  if (!exists(spec.kernel.fragment))
    out.push({ path: '/kernel/fragment', code: 'E_SPEC_FRAGMENT', message: `kernel fragment ${spec.kernel.fragment} does not exist` });
  if (spec.profile && !exists(spec.profile)) out.push({ path: '/profile', code: 'E_SPEC_PROFILE', message: `profile ${spec.profile} does not exist` });
  if (spec.profileSigners && !exists(spec.profileSigners))
    out.push({ path: '/profileSigners', code: 'E_SPEC_SIGNERS', message: `allowed-signers file ${spec.profileSigners} does not exist` });
  if (spec.squashfs.level !== undefined && spec.squashfs.compression !== 'zstd')
    out.push({ path: '/squashfs/level', code: 'E_SPEC_LEVEL', message: `a level is only used with zstd (compression is ${spec.squashfs.compression})` });
  return out;
}

/** Reads and validates a build spec; every problem is reported with its position, nothing is built. */
export function loadBuildSpec(file: string, base = process.cwd()): LoadedSpec {
  const path = resolve(file);
  if (!existsSync(path)) throw new DebvisorError('E_SPEC', `no build spec at ${file}`, { hint: 'the default is iso/build.yaml' });
  const root = base ?? dirname(path);
  const exists = (p: string) => existsSync(resolve(root, p));
  const embeddedProfile = (spec: BuildSpec): Finding[] => {
    if (!spec.profile || !exists(spec.profile)) return [];
    const v = validateProfile(resolve(root, spec.profile));
    return v.ok ? [] : [{ path: '/profile', code: 'E_SPEC_PROFILE', message: `the embedded profile is invalid: ${v.issues.map(formatIssue).join('; ')}` }];
  };
  // A spec that is not a regular file, or too large, is thrown as it is (E_NOT_REGULAR, E_TOO_LARGE).
  const r = checkYamlFile<BuildSpec>(path, { schema: BuildSpecSchema, rules: [(spec) => specFindings(spec, exists), embeddedProfile] }, file);
  if (!r.ok)
    throw new DebvisorError('E_SPEC', `the build spec ${file} is invalid; nothing was built`, {
      hint: 'fix the lines below',
      details: r.issues.map(formatIssue),
    });
  return { spec: r.value, file: path, base: root };
}
