import { EXIT, defineCommand } from '../../core/cli/command.js';
import { profileSchemaJson } from '../schema-json.js';

export default defineCommand({
  words: ['profile', 'schema'],
  summary: 'print the profile JSON Schema (the same file as profiles/profile.schema.json)',
  async run({ io }) {
    io.stdout.write(profileSchemaJson());
    return EXIT.ok;
  },
});
