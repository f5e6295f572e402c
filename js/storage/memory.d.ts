import type { Storage } from '../index.js';

/** An in-memory store; values are deep-copied in and out. `now` replaces the clock. */
export declare function memoryStorage(options?: { now?: () => number }): Storage;
