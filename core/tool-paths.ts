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
 * boot (its runs end when first boot is done, which removes it). The stamp file beside it names
 * the /usr/bin/node it was made with (inode:size:mtime); NODE_FROM_SNAPSHOT uses the blob only
 * while that is still the node (after an upgrade Node would refuse it, or with a rebuilt package
 * of the same version run its old internals), otherwise Node starts as usual.
 */
export const NODE_SNAPSHOT_ENTRY = `${TOOL_LIB}/bin/node-snapshot.cjs`;
export const NODE_FROM_SNAPSHOT = `${TOOL_LIB}/bin/node-from-snapshot`;
export const FIRSTBOOT_NODE_SNAPSHOT = '/var/lib/debvisor/firstboot/node-start.blob';
export const FIRSTBOOT_NODE_SNAPSHOT_STAMP = `${FIRSTBOOT_NODE_SNAPSHOT}.node`;

/** Node and its flags in SHORT_RUN_NODE (what a snapshot must be made with to be taken). */
export const SHORT_RUN_NODE_FLAGS = SHORT_RUN_NODE.slice(1, SHORT_RUN_NODE.indexOf(TOOL_ENTRY));

/** First boot's command line: SHORT_RUN_NODE through NODE_FROM_SNAPSHOT (`/bin/sh SCRIPT BLOB NODE FLAGS... ENTRY`). */
export const FIRSTBOOT_RUN_NODE = ['/bin/sh', NODE_FROM_SNAPSHOT, FIRSTBOOT_NODE_SNAPSHOT, ...SHORT_RUN_NODE];

/** Pure: the stamp of a node binary as `stat -L -c %i:%s:%Y` prints it (what NODE_FROM_SNAPSHOT compares). */
export function nodeStamp(st: { ino: number | bigint; size: number | bigint; mtimeMs: number }): string {
  return `${st.ino}:${st.size}:${Math.floor(st.mtimeMs / 1000)}`;
}
