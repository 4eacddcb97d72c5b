import type { Rule } from './types.js';
import { checkNodeNames } from './names.js';
import { checkNetwork } from './network.js';
import { checkStorage } from './storage.js';
import { checkUsers } from './users.js';
import { checkTls } from './tls.js';
import { checkDns } from './dns.js';
import { checkCluster } from './cluster.js';
import { checkFirewall } from './firewall.js';
import { checkPorts } from './ports.js';
import { checkBoot } from './boot.js';
import { checkHardware } from './hardware.js';

/** Every semantic check, run in this order after the schema. */
export const RULES: readonly Rule[] = [
  checkNodeNames,
  checkNetwork,
  checkStorage,
  checkBoot,
  checkUsers,
  checkTls,
  checkDns,
  checkCluster,
  checkFirewall,
  checkPorts,
  checkHardware,
];
