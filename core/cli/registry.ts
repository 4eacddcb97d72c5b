import type { Command } from './command.js';
import { profileCommands } from '../../profiles/commands/index.js';
import { overlayCommands } from '../../overlays/commands/index.js';
import { buildCommand } from '../../builder/commands.js';

/** Every subcommand; each folder owns and exports its own. */
export const COMMANDS: readonly Command[] = [...profileCommands, ...overlayCommands, buildCommand];
