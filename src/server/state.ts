// The live service state: which index generation is being served. A reindex (nightly, or POST /api/documents)
// writes a new generation and switches the CURRENT pointer; we notice through fs.watch on the data directory and,
// because fs.watch is unreliable on some filesystems (NFS, some containers), a polling fallback too.
//
// Requests take a lease on the snapshot they start with, so a swap never pulls an engine out from under a
// running request: the old snapshot is disposed only after its last lease is released.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../log.js';
import type { EmbedderInfo } from '../embed/types.js';
import type { SearchEngine } from '../search/types.js';
import type { PaperDirectory } from './papers.js';

export interface Snapshot {
  generation: string;
  builtAt?: string; // ISO time the generation was built, when the manifest says
  loadedAt: Date;
  papers: PaperDirectory;
  engine: SearchEngine;
  embedder: EmbedderInfo;
  vectors: number;
  documents: number;
  /** Set when CURRENT's generation failed to load and this older one is served in its place. */
  degraded?: Degraded;
}

/** Why the served generation is not the one CURRENT names. */
export interface Degraded {
  current: string;
  reason: string;
}

/** A loaded generation plus what to do once nothing uses it any more. */
export interface LoadedGeneration {
  snapshot: Omit<Snapshot, 'loadedAt'>;
  dispose(): Promise<void>;
}

/** Where generations come from (the data directory in production). */
export interface GenerationSource {
  /** Name of the generation CURRENT points at, undefined when there is none yet. */
  current(): Promise<string | undefined>;
  load(name: string): Promise<LoadedGeneration>;
  /**
   * Complete generations to fall back on, newest first, when `current` cannot be loaded: those older than it
   * (a newer one was never switched to), or all when `current` names no numbered generation.
   */
  fallbacks?(current: string): Promise<string[]>;
  /** When a generation still on disk was built (its manifest's createdAt), undefined when it is not kept. */
  builtAt?(name: string): Promise<string | undefined>;
}

export interface Lease {
  readonly snapshot: Snapshot;
  release(): void;
}

export interface StateOptions {
  /** The CURRENT pointer file; its directory is watched. */
  currentFile: string;
  pollIntervalMs: number;
  logger: Logger;
}

interface Slot {
  snapshot: Snapshot;
  dispose: () => Promise<void>;
  leases: number;
  retired: boolean;
}

/** How long a generation that failed to load is left alone before the watcher tries it again. */
const FAILED_RETRY_MS = 60_000;

export type StateStatus = { ready: true; generation: string; degraded?: Degraded } | { ready: false; reason: string };

export class ServiceState {
  private slot: Slot | undefined;
  private notReadyReason = 'starting: no index generation loaded yet';
  private refreshing: Promise<boolean> | undefined;
  private again = false;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  // a generation that failed to load is not retried on every poll tick (that would flood the log)
  private failed: { name: string; at: number } | undefined;

  constructor(
    private readonly source: GenerationSource,
    private readonly opts: StateOptions,
  ) {}

  /** When generation `name` was built, if it is still kept (see GenerationSource.builtAt). */
  async generationBuiltAt(name: string): Promise<string | undefined> {
    return this.source.builtAt?.(name);
  }

  status(): StateStatus {
    const snap = this.slot?.snapshot;
    if (!snap) return { ready: false, reason: this.notReadyReason };
    return { ready: true, generation: snap.generation, ...(snap.degraded ? { degraded: snap.degraded } : {}) };
  }

  /** Marks why the service is not ready yet (e.g. "building the index from 5 newsletters"). */
  setNotReadyReason(reason: string): void {
    this.notReadyReason = reason;
  }

  /** Pins the current snapshot for the duration of a request; undefined while not ready. */
  acquire(): Lease | undefined {
    const slot = this.slot;
    if (!slot) return undefined;
    slot.leases++;
    let released = false;
    return {
      snapshot: slot.snapshot,
      release: () => {
        if (released) return;
        released = true;
        slot.leases--;
        this.disposeIfIdle(slot);
      },
    };
  }

  /**
   * Loads the generation CURRENT points at if it differs from the served one. Concurrent calls coalesce:
   * a call made while a refresh runs triggers one more pass afterwards, so the latest switch always wins.
   * Resolves true when a swap happened.
   */
  refresh(): Promise<boolean> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      let swapped = false;
      try {
        do {
          this.again = false;
          swapped = (await this.refreshOnce()) || swapped;
        } while (this.again && !this.closed);
      } finally {
        this.refreshing = undefined;
      }
      return swapped;
    })();
    return this.refreshing;
  }

  /**
   * Starts noticing CURRENT changes: fs.watch for promptness plus polling every pollIntervalMs, which alone
   * suffices where fs.watch reports nothing (network filesystems, some container mounts): `{ fsWatch: false }`.
   */
  watch(opts: { fsWatch?: boolean } = {}): void {
    const dir = dirname(this.opts.currentFile);
    const name = basename(this.opts.currentFile);
    if (opts.fsWatch !== false) this.startFsWatch(dir, name);
    this.timer = setInterval(() => this.refreshInBackground('poll'), this.opts.pollIntervalMs);
    this.timer.unref();
  }

  private startFsWatch(dir: string, name: string): void {
    try {
      this.watcher = watch(dir, { persistent: false }, (_event, file) => {
        if (file === null || file.toString() === name) this.refreshInBackground('fs.watch');
      });
      this.watcher.on('error', (err) => this.opts.logger.warn({ err }, 'fs.watch failed; relying on polling'));
    } catch (err) {
      this.opts.logger.warn({ err, dir }, 'fs.watch unavailable; relying on polling');
    }
  }

  /** Stops watching and disposes the served generation once in-flight requests finish. */
  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    await this.refreshing?.catch(() => {});
    const slot = this.slot;
    this.slot = undefined;
    this.notReadyReason = 'shutting down';
    if (slot) {
      slot.retired = true;
      this.disposeIfIdle(slot);
    }
  }

  private refreshInBackground(trigger: string): void {
    if (this.closed) return;
    this.refresh().catch((err: unknown) => this.opts.logger.error({ err, trigger }, 'loading the new index generation failed; still serving the old one'));
  }

  private async refreshOnce(): Promise<boolean> {
    if (this.closed) return false;
    const name = await this.source.current();
    if (name === undefined || name === this.slot?.snapshot.generation) return false;
    if (this.slot?.snapshot.degraded?.current === name) return false; // already falling back from it; a reindex repairs it
    if (this.failed?.name === name && Date.now() - this.failed.at < FAILED_RETRY_MS) return false;
    const started = Date.now();
    let loaded: LoadedGeneration;
    try {
      loaded = await this.source.load(name);
    } catch (err) {
      this.failed = { name, at: Date.now() };
      // with a generation served, keep serving it; with none (startup), an intact older one beats refusing to serve
      const fallback = this.slot ? undefined : await this.loadFallback(name, err);
      if (!fallback) throw err;
      loaded = fallback;
    }
    if (!loaded.snapshot.degraded) this.failed = undefined;
    if (this.closed) {
      await loaded.dispose();
      return false;
    }
    const next: Slot = { snapshot: { ...loaded.snapshot, loadedAt: new Date() }, dispose: loaded.dispose, leases: 0, retired: false };
    const previous = this.slot;
    this.slot = next;
    this.opts.logger.info({ generation: loaded.snapshot.generation, previous: previous?.snapshot.generation, ms: Date.now() - started }, 'serving index generation');
    if (previous) {
      previous.retired = true;
      this.disposeIfIdle(previous);
    }
    return true;
  }

  /** The newest older generation that loads (verifying its checksums), marked degraded; undefined if none does. */
  private async loadFallback(current: string, cause: unknown): Promise<LoadedGeneration | undefined> {
    const reason = cause instanceof Error ? cause.message : String(cause);
    for (const name of (await this.source.fallbacks?.(current)) ?? []) {
      try {
        const loaded = await this.source.load(name);
        this.opts.logger.error(
          { current, generation: name, reason },
          `generation ${current} (CURRENT) cannot be served: ${reason}; serving the older generation ${name} until a reindex repairs it`,
        );
        return { ...loaded, snapshot: { ...loaded.snapshot, degraded: { current, reason } } };
      } catch (err) {
        this.opts.logger.error({ generation: name, err: err instanceof Error ? err.message : String(err) }, `fallback generation ${name} cannot be served either`);
      }
    }
    return undefined;
  }

  private disposeIfIdle(slot: Slot): void {
    if (!slot.retired || slot.leases > 0) return;
    slot.retired = false; // dispose once
    slot.dispose().catch((err: unknown) => this.opts.logger.warn({ err, generation: slot.snapshot.generation }, 'disposing an old generation failed'));
  }
}

