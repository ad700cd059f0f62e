/**
 * The Node flags our piscina worker threads start with.
 *
 * Not the parent's flags: under `tsx` they would load the TypeScript loader into every thread,
 * which the bundles do not need (the .cjs entries register tsx themselves).
 *
 * And, where this Node has it, `--no-experimental-require-module`: piscina loads a task file with
 * `require()` first and falls back to `import()`. Node 20.19+ lets `require()` load an ES module,
 * and in a test run that path once aborted the whole process with a V8 fatal error
 * ("v8::Module::IsGraphAsync must be used on an instantiated module", Node's synchronous
 * require-of-ESM meeting the asynchronous loader). With the flag, `require()` of our `.mjs` bundles
 * fails at once with ERR_REQUIRE_ESM and piscina takes its `import()` path, the one Node has long
 * supported. Nodes without the flag never had require-of-ESM, so they need nothing.
 */
export function workerExecArgv(): string[] {
  const flag = "--no-experimental-require-module";
  return process.allowedNodeEnvironmentFlags.has(flag) ? [flag] : [];
}
