import { checkYamlFile, type Checked } from '../../core/checked-yaml.js';
import { FactsSchema, type HardwareFacts } from '../../profiles/facts.js';

/**
 * A facts file (`debvisor facts --out`) read back, through the one checked-YAML loader (JSON
 * is YAML): a file from another machine is held to the facts schema, and a problem is reported
 * as `file:line:col: /key/path: message`.
 */
export function loadFactsFile(file: string): Checked<HardwareFacts> {
  return checkYamlFile<HardwareFacts>(file, {
    schema: FactsSchema,
    readError: (err) => ({
      path: '',
      code: 'E_FACTS_READ',
      message: `cannot read the facts file: ${(err as Error).message}`,
      hint: 'give a file written by debvisor facts --out',
    }),
  });
}
