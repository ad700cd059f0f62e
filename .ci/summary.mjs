// Prints the closing `N passed, M failed` line from vitest's JSON report.
import { existsSync, readFileSync } from "node:fs";

const [file, status] = process.argv.slice(2);
if (!existsSync(file)) {
  // The checks (type-check, lint) failed before any test ran.
  console.log(`0 passed, ${status === "0" ? 0 : 1} failed`);
} else {
  const report = JSON.parse(readFileSync(file, "utf8"));
  const failed =
    report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? 1 : 0);
  const skipped = report.numPendingTests + report.numTodoTests;
  console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
}
