// Entry of the SQLite append thread when running from the TypeScript sources (tsx, vitest without
// a build): worker threads do not inherit the main thread's loader, so the thread registers tsx
// itself, as the planner and simulation workers do (src/io/*-worker.cjs).
const { register } = require("tsx/cjs/api");

register();
require("./append-worker.ts");
