/**
 * Shell-style globs as selectors use them (fnmatch without path rules): `*` any run of
 * characters, `?` one character, `[abc]`, `[a-z]`, `[!abc]` a class. Every other character is
 * itself. The schema has already limited a glob to 128 characters of a small alphabet.
 */
export function globToRegExp(glob: string, ignoreCase = false): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, (m) => `\\${m}`);
  }
  return new RegExp(`^${re}$`, ignoreCase ? 'is' : 's');
}

/** Whether `value` matches the glob as a whole. */
export function globMatch(glob: string, value: string, ignoreCase = false): boolean {
  return globToRegExp(glob, ignoreCase).test(value);
}
