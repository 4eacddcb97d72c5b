import type { Emitter } from '../../core/events.js';
import type { RunResult } from '../../core/run.js';
import type { FragmentCheck } from '../kernel-config.js';
import type { KernelManifest } from '../kernel-build.js';
import type { LbFile } from '../live-build.js';
import type { Artefact } from '../release.js';
import type { BuildSpec } from '../spec-schema.js';
import type { Inputs, StageRecord } from '../stage-cache.js';

export const STAGES = ['package-deb', 'kernel', 'bootstrap', 'binary-tools', 'chroot', 'binary', 'netboot', 'release'] as const;
export type StageName = (typeof STAGES)[number];

/** What the build keeps between runs (work/state.json). */
export interface BuildState {
  stages: Partial<Record<StageName, StageRecord>>;
  kernel?: { version: string; fragment: FragmentCheck };
  packages?: string;
  /** SHA-256 of release files by path, with the size, time and inode they had (see knownSha256). */
  hashes?: Record<string, FileHash>;
}

export interface FileHash {
  dev: number;
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

/** What the custom kernel stage hands on: its packages, and for the report how they were made. */
export interface KernelOutput {
  manifest: KernelManifest;
  dir: string;
  build: {
    base: string;
    sourcePackage: string;
    configPackage: string;
    toolchain: Record<string, string>;
    key: string;
    packageVersion: string;
    packages: { name: string; file: string; bytes: number; sha256: string }[];
  };
}

/** One build: the settled facts every stage reads, and the outputs earlier stages hand on. */
export interface BuildContext {
  repo: string;
  spec: BuildSpec;
  version: string;
  work: string;
  out: string;
  /** The live-build tree. */
  lb: string;
  logs: string;
  kernelCache: string;
  /** SOURCE_DATE_EPOCH of the image. */
  epoch: number;
  /** SOURCE_DATE_EPOCH of the tools' .deb (the last commit that touched the tools). */
  debEpoch: number;
  /** SOURCE_DATE_EPOCH of the packages layer (the last commit that touched what it is made of). */
  layerEpoch: number;
  env: Record<string, string>;
  tools: Record<string, string>;
  events: Emitter;
  debFile: string;
  debPath: string;
  /** The ISO live-build writes. */
  lbIso: string;
  signingKey: string | undefined;
  state: BuildState;
  /** Keys of the stages done so far in this build: a later stage has them among its inputs. */
  keys: Partial<Record<StageName, string>>;
  /** Set by the kernel stage (kernel.source: custom). */
  kernel?: KernelOutput;
  /** Set by the release stage. */
  artefacts: Artefact[];
  /** Parts of a stage kept apart from it and reused or made in this build (the chroot's packages layer, its initramfs images), for the report. */
  parts?: Partial<Record<StageName, Record<string, 'reused' | 'made'>>>;
  /** Every `lb` call of a stage: in the live-build tree, logged, its output watched for progress. */
  lbRun(args: string[], log: string, env?: Record<string, string>): Promise<RunResult>;
  /** Emits a stage's progress (0..1 within the stage, when known), throttled. */
  progress(stage: StageName, fraction: number | undefined, message: string): void;
}

/**
 * One step of the build, in the spirit of mkosi's flat list of verbs: a name, the inputs that
 * change its output (its key), whether its output is there, and how to make it.
 */
export interface Stage {
  name: StageName;
  /** What it does, in a line (docs, `--help`, events). */
  summary: string;
  /**
   * The stages whose output or key it reads, all earlier in the table: it starts when they are
   * done, so stages that do not depend on each other (the .deb and the bootstrap) overlap.
   */
  after: StageName[];
  /** Whether this build has the stage at all (kernel: custom kernels only; netboot: when asked for). */
  enabled?(ctx: BuildContext): boolean;
  /** Everything that changes the output, each reduced to a hash or a short value; earlier stages by key. */
  inputs(ctx: BuildContext): Inputs | Promise<Inputs>;
  /** Whether the output for this key is there. */
  done(ctx: BuildContext, key: string): boolean;
  /** The output is kept per key (kernel packages): any earlier build of the same inputs counts. */
  keyed?: boolean;
  /** Runs every build (release): cheap, no key, never reused. */
  always?: boolean;
  run(ctx: BuildContext, log: string, key: string): Promise<void>;
  /** Reads what later stages need from the output, whether the stage ran or was reused. */
  collect?(ctx: BuildContext, key: string): void;
}

export type { Inputs, LbFile };
