import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

const remove = (dir: string) => rmSync(dir, { recursive: true, force: true });

/**
 * A new directory under tmpdir(), removed when the running test ends, passed or failed.
 * Call it inside a test (or a function a test calls).
 */
export function testDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => remove(dir));
  return dir;
}

/**
 * A new directory under tmpdir() shared by the tests of a file or describe block, removed after
 * the last of them. Call it at the top of the file or of the describe block, not inside a test.
 */
export function suiteDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => remove(dir));
  return dir;
}
