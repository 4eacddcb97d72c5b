import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { DebvisorError } from './errors.js';

/** Largest profile, build spec or model file read: far above any real one, small enough to parse at once. */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024;

/** A file that is not a regular file, or too large: `reason` completes "FILE ..." for callers that name the file their own way. */
export class InputFileError extends DebvisorError {
  constructor(
    code: 'E_NOT_REGULAR' | 'E_TOO_LARGE',
    file: string,
    readonly reason: string,
    hint: string,
  ) {
    super(code, `${file} ${reason}`, { hint });
    this.name = 'InputFileError';
  }
}

/**
 * Reads a regular file of at most `maxBytes` as UTF-8. Opened non-blocking and checked with
 * fstat before any read, so a FIFO, a device such as /dev/zero or a directory fails at once
 * with E_NOT_REGULAR instead of hanging or growing without bound; larger files fail with E_TOO_LARGE.
 */
export function readRegularFile(file: string, maxBytes = MAX_INPUT_FILE_BYTES): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const what = st.isDirectory()
        ? 'a directory'
        : st.isFIFO()
          ? 'a pipe (FIFO)'
          : st.isCharacterDevice() || st.isBlockDevice()
            ? 'a device'
            : st.isSocket()
              ? 'a socket'
              : 'not a regular file';
      throw new InputFileError('E_NOT_REGULAR', file, `is ${what}, not a regular file`, 'give the path of a YAML file');
    }
    if (st.size > maxBytes) throw tooLarge(file, maxBytes);
    // Read up to one byte past the limit, so a file that grows after fstat is still caught.
    const buf = Buffer.alloc(maxBytes + 1);
    let got = 0;
    for (let n = -1; n !== 0 && got < buf.length; got += n) n = readSync(fd, buf, got, buf.length - got, null);
    if (got > maxBytes) throw tooLarge(file, maxBytes);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function tooLarge(file: string, maxBytes: number): InputFileError {
  return new InputFileError(
    'E_TOO_LARGE',
    file,
    `is larger than ${maxBytes / 1024} KiB`,
    'profiles, build specs and firewall models are small YAML files; check the path',
  );
}
