/** Where the Debian package puts the tool (builder/deb.ts), as the node's units start it. */
export const TOOL_LIB = '/usr/lib/debvisor';
export const TOOL_ENTRY = `${TOOL_LIB}/bin/debvisor.js`;

/**
 * Node's flags for the units' short runs (first boot, certificate renewal), which mostly wait on
 * the network and on programs: V8's optimising compilers (Sparkplug, TurboFan) cost more than
 * they save in a run of a few seconds. Measured under emulation: first boot's start 19 % shorter.
 * No `fetch`, `FormData`, `Request`... globals: the tool does not use them, but axios (inside
 * acme-client) probes them when it loads, and in Node 20 that loads undici, Node's HTTP client
 * (1.25 s of an emulated certificate step, measured in the node).
 */
export const SHORT_RUN_NODE = ['/usr/bin/node', '--no-opt', '--no-sparkplug', '--no-experimental-fetch', TOOL_ENTRY];
