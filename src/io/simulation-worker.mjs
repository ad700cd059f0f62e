// Worker entry for the simulation pool. Worker threads do not inherit the main thread's tsx
// loader, so each worker registers it before loading the TypeScript task module.
import { register } from "tsx/esm/api";

register();
const task = await import("./simulation-task.ts");

export default task.default;
