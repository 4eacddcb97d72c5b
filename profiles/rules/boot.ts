import { finding, type Rule } from './types.js';

/**
 * Bytes the profile's kernel arguments may take on the installed node's command line: half of
 * x86's 2048-byte limit (COMMAND_LINE_SIZE); the rest is the installer's own (root=, console=,
 * crypt and RAID arguments). Beyond the limit the kernel cuts the line without a word.
 */
export const KERNEL_ARGS_MAX_BYTES = 1024;

export const checkBoot: Rule = (p) => {
  const args = p.install.kernelArgs ?? [];
  const bytes = Buffer.byteLength(args.join(' '));
  if (bytes <= KERNEL_ARGS_MAX_BYTES) return [];
  return [
    finding(
      '/install/kernelArgs',
      'E_KERNEL_ARGS_LENGTH',
      `the kernel arguments take ${bytes} bytes; at most ${KERNEL_ARGS_MAX_BYTES} fit beside the installer's own`,
      'drop arguments the node does not need; the kernel would cut a longer command line without a word',
    ),
  ];
};
