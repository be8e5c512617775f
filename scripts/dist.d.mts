// Types for scripts/dist.mjs (plain JS so bin/papersift.js can run it without tsx).
export declare const ROOT: string;
export declare const DIST: string;
/** What a build is recorded against: the sha256 of everything it reads and a signature of those files' metadata. */
export declare function sourcesRecord(root?: string): { sha256: string; stats: string };
/** Why `out` cannot be run as it is, or undefined when it was built from the sources as they are. */
export declare function staleness(root?: string, out?: string): string | undefined;
export declare function canBuild(root?: string): boolean;
/** Compiles src/ into `out` (a directory directly in the root), atomically. */
export declare function build(root?: string, out?: string): void;
