import { writeSync } from 'node:fs';
import process from 'node:process';

// Prints one plain closing line after jest's own summary, in the form CI tooling counts in any
// language ("Tests: N passed, N failed"). Jest prints its summary after every reporter's
// onRunComplete, so the line is written when the process exits.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.once('exit', () => writeSync(1, `Tests: ${results.numPassedTests} passed, ${failed} failed\n`));
  }
}
