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

/**
 * First boot's Node starts from a startup snapshot (`node --build-snapshot`), made by the
 * installer with the node's own Node and these flags: Debian's Node has no built-in snapshot, so
 * each start compiles Node's own JavaScript first, a third of a short command's start under
 * emulation (measured: `debvisor status` 2.5 s against 4.0 s of CPU). The blob is only for first
 * boot (the run that makes it ready removes it). The stamp beside it is what `stat` said of
 * NODE_SNAPSHOT_STAMPED when it was made: NODE_FROM_SNAPSHOT uses the blob only while they are
 * unchanged (after a package change Node would refuse it, or run a rebuilt package's old
 * internals), and starts Node as usual otherwise, or when Node refuses or dies of the blob.
 */
export const NODE_SNAPSHOT_ENTRY = `${TOOL_LIB}/bin/node-snapshot.cjs`;
export const NODE_FROM_SNAPSHOT = `${TOOL_LIB}/bin/node-from-snapshot`;
export const FIRSTBOOT_NODE_SNAPSHOT = '/var/lib/debvisor/firstboot/node-start.blob';
export const FIRSTBOOT_NODE_SNAPSHOT_STAMP = `${FIRSTBOOT_NODE_SNAPSHOT}.node`;
/** The files the stamp covers (NODE_FROM_SNAPSHOT names the same), and stat's format for each. */
export const NODE_SNAPSHOT_STAMPED = ['/usr/bin/node', '/var/lib/dpkg/status'];
export const NODE_SNAPSHOT_STAMP_FORMAT = '%i:%s:%Y ';

/** Node's flags in SHORT_RUN_NODE (a snapshot is taken only with the flags it was made with). */
export const SHORT_RUN_NODE_FLAGS = SHORT_RUN_NODE.slice(1, SHORT_RUN_NODE.indexOf(TOOL_ENTRY));

/** First boot's command line: SHORT_RUN_NODE through NODE_FROM_SNAPSHOT (`/bin/sh SCRIPT BLOB NODE FLAGS... ENTRY`). */
export const FIRSTBOOT_RUN_NODE = ['/bin/sh', NODE_FROM_SNAPSHOT, FIRSTBOOT_NODE_SNAPSHOT, ...SHORT_RUN_NODE];
