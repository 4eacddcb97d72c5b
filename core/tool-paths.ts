/** Where the Debian package puts the tool (builder/deb.ts), as the node's units start it. */
export const TOOL_LIB = '/usr/lib/debvisor';
export const TOOL_ENTRY = `${TOOL_LIB}/bin/debvisor.js`;

/**
 * Node's flags for the units' short runs (first boot, certificate renewal), which mostly wait on
 * the network and on programs: V8's optimising compilers (Sparkplug, TurboFan) cost more than
 * they save in a run of a few seconds. Measured under emulation: first boot's start 19 % shorter.
 */
export const SHORT_RUN_NODE = ['/usr/bin/node', '--no-opt', '--no-sparkplug', TOOL_ENTRY];
