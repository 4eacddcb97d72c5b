import { renderCommand } from './render.js';
import { firewallCommands } from '../firewall/commands.js';
import { sshCommands } from '../ssh/commands.js';
import { panelCommands } from '../panel/commands.js';
import { auditCommand } from '../audit/command.js';

export const overlayCommands = [renderCommand, ...firewallCommands, ...sshCommands, ...panelCommands, auditCommand];
