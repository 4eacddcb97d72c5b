import type { Command } from '../../core/cli/command.js';
import { EXIT } from '../../core/cli/command.js';
import { profileSchemaJson } from '../schema-json.js';

export const profileSchema: Command = {
  words: ['profile', 'schema'],
  summary: 'print the profile JSON Schema (the same file as profiles/profile.schema.json)',
  args: '',
  minArgs: 0,
  maxArgs: 0,
  options: {},
  optionHelp: {},
  async run({ io }) {
    io.stdout.write(profileSchemaJson());
    return EXIT.ok;
  },
};
