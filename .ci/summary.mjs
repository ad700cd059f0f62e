// Prints the closing `N passed, M failed` line from vitest's JSON report.
import { existsSync, readFileSync } from "node:fs";

const [file, status] = process.argv.slice(2);
if (!existsSync(file)) {
  // vitest wrote no report: it did not start or did not finish.
  console.log(`0 passed, ${status === "0" ? 0 : 1} failed`);
} else {
  const report = JSON.parse(readFileSync(file, "utf8"));
  // `npm test` runs the type-check and the lint beside vitest, so every test can pass while a
  // check failed: the run has failed then, and the line must not say "0 failed" (nor when a
  // file failed to load, which fails no test).
  const failed = report.numFailedTests > 0 ? report.numFailedTests : status === "0" ? 0 : 1;
  const skipped = report.numPendingTests + report.numTodoTests;
  console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
}
