// Types for scripts/postinstall-hnswlib-avx2.mjs (plain JS so it runs at install time without tsx).
export declare const AVX2_ADDON: string;
export declare function cpuHasAvx2Fma(): boolean;
/** Builds and installs the AVX2 addon at `out`; returns why it did not, or undefined on success. */
export declare function buildAvx2Addon(out?: string): string | undefined;
