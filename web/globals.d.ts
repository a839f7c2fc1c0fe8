// Constants replaced by esbuild at build time (build.mjs); tests define them in their setup.
declare const __OFFEN_LAZY__: {
  /** URL path and SRI hash of the lazily loaded bundles (clients-and-crypto.md §4.6). */
  userland: { src: string; integrity: string };
  manage: { src: string; integrity: string };
  /** The decryption worker (vault/manage/worker.ts), started with new Worker(src): workers take no SRI. */
  worker: { src: string; integrity: string };
};
