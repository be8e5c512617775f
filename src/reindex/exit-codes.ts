// Process exit codes of `papersift reindex` / `npm run reindex`, documented in the README ("Nightly reindex") and docs/reindex.md.
// Non-zero codes other than 1 and 2 are outcomes a scheduler may want to treat specially (systemd:
// SuccessExitStatus=3 makes "nothing to do" a success), not crashes.
export const ExitCode = {
  /** A new generation was built, passed the quality gate and is now live. */
  Switched: 0,
  /** Unexpected failure (corrupt file, I/O error, bug). Nothing live was changed. */
  Error: 1,
  /** Invalid flags or configuration. */
  Usage: 2,
  /** Sources, catalogue and embedder all match the live generation: nothing was embedded or written. */
  NothingToDo: 3,
  /** The new generation scored worse than the live one by more than --max-drop; the old one stays live. */
  GateRefused: 4,
  /** Another reindex (or a document upload) holds the data lock; try again later. */
  LockHeld: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
