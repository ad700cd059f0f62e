// Worker entry for the simulation pool. Worker threads do not inherit the main thread's loader,
// so each worker registers tsx itself. The CommonJS hook runs in the worker's own thread; the ESM
// hook would start one more thread per worker (about 100 ms more per worker, measured).
const { register } = require("tsx/cjs/api");

register();
module.exports = require("./simulation-task.ts").default;
