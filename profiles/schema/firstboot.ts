import { obj, str, list, int, oneOfStrings } from '../../core/schema-helpers.js';

export const FirstbootSchema = obj(
  'What first boot runs after DNS, certificates and cluster join.',
  {
    hooks: list(
      'Commands run once at first boot, in order, each gated by its own marker.',
      obj('One hook.', {
        name: str('Name of the hook (used for its marker and in events).', {
          pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
          'x-hint': 'lower-case letters, digits, ., _ and -',
        }),
        ordering: oneOfStrings(
          'When it runs: before the network is up, once it is online, or when the node is fully up.',
          ['before-network', 'network-online', 'fully-up'] as const,
          'fully-up',
        ),
        run: list('The command as an argument vector (no shell).', str('One argument.'), { minItems: 1 }),
        timeoutSec: int('Time limit in seconds.', { minimum: 1, maximum: 86400, default: 600 }),
      }),
      { default: [] },
    ),
  },
  { default: {} },
);
