// Worker entry for the planner pool when running from the TypeScript sources (tsx, vitest without
// a build): worker threads do not inherit the main thread's loader, so each registers tsx itself,
// as simulation-worker.cjs does. The module exports a promise (ready once the solver is warm).
const { register } = require("tsx/cjs/api");

register();
module.exports = require("./planner-task.ts").default;
