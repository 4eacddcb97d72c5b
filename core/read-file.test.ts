import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRegularFile, MAX_INPUT_FILE_BYTES, InputFileError } from './read-file.js';

const dir = mkdtempSync(join(tmpdir(), 'dv-read-'));
const fifo = join(dir, 'pipe.yaml');
beforeAll(() => execFileSync('mkfifo', [fifo]));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return err instanceof InputFileError ? err.code : `not an InputFileError: ${String(err)}`;
  }
};

describe('readRegularFile', () => {
  it('reads a regular file', () => {
    writeFileSync(join(dir, 'a.yaml'), 'version: 1\n');
    expect(readRegularFile(join(dir, 'a.yaml'))).toBe('version: 1\n');
  });
  it('refuses a FIFO at once instead of waiting for a writer', { timeout: 5000 }, () => {
    expect(codeOf(() => readRegularFile(fifo))).toBe('E_NOT_REGULAR');
  });
  it('refuses /dev/zero and directories without reading them', { timeout: 5000 }, () => {
    expect(codeOf(() => readRegularFile('/dev/zero'))).toBe('E_NOT_REGULAR');
    expect(codeOf(() => readRegularFile(dir))).toBe('E_NOT_REGULAR');
  });
  it('refuses a file over the size cap, and accepts one at it', () => {
    writeFileSync(join(dir, 'big.yaml'), Buffer.alloc(MAX_INPUT_FILE_BYTES + 1, 0x20));
    expect(codeOf(() => readRegularFile(join(dir, 'big.yaml')))).toBe('E_TOO_LARGE');
    writeFileSync(join(dir, 'edge.yaml'), Buffer.alloc(MAX_INPUT_FILE_BYTES, 0x20));
    expect(readRegularFile(join(dir, 'edge.yaml'))).toHaveLength(MAX_INPUT_FILE_BYTES);
  });
});
