/**
 * A local sweep worker: a child process of `lockstep sweep` that computes the points its parent
 * sends over the IPC channel and sends each result back. The parent alone writes the database,
 * so SQLite has one writer. A child dies with its parent: it exits when the channel closes.
 */
import { evaluatePoint, type PointResult, type SweepDocument } from "../sweep/index.ts";

export type ToChild = { type: "start"; document: SweepDocument } | { type: "point"; index: number };
export type FromChild = { type: "result"; result: PointResult; elapsedMs: number };

export function serveIpc(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error("worker --ipc runs only as a child of 'lockstep sweep'");
  // Ctrl-C reaches the whole process group; the parent decides what stops, not the children.
  process.on("SIGINT", () => {});
  let document: SweepDocument | undefined;
  // points are computed one at a time, in the order they arrive
  let chain = Promise.resolve();
  process.on("message", (message: ToChild) => {
    if (message.type === "start") {
      document = message.document;
      return;
    }
    chain = chain.then(async () => {
      if (!document) throw new Error("point before start");
      const started = performance.now();
      const result = await evaluatePoint(document, message.index);
      const reply: FromChild = { type: "result", result, elapsedMs: performance.now() - started };
      send(reply);
    });
  });
  return new Promise((resolve) => process.once("disconnect", () => resolve()));
}
