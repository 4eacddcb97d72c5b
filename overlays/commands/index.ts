import { renderCommand } from './render.js';
import { firewallCommands } from '../firewall/commands.js';
import { sshCommands } from '../ssh/commands.js';

export const overlayCommands = [renderCommand, ...firewallCommands, ...sshCommands];
