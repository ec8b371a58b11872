/**
 * @module A vitest reporter that ends the run with one plain line, "N passed, N failed, N skipped",
 * after the ten test files that took longest (tests and hooks, plus collection): where to look
 * first to make the suite faster.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const m of modules) for (const t of m.children.allTests()) counts[t.result().state]++;
    const slowest = modules
      .map((m) => {
        const d = m.diagnostic();
        return { file: m.relativeModuleId, seconds: (d.duration + d.collectDuration + d.setupDuration) / 1000 };
      })
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, 10);
    const total = modules.reduce((s, m) => s + m.diagnostic().duration, 0) / 1000;
    console.log(`\nslowest test files (of ${total.toFixed(0)} s of tests in ${modules.length} files):`);
    for (const s of slowest) console.log(`  ${s.seconds.toFixed(1).padStart(7)} s  ${s.file}`);
    console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped + counts.pending} skipped`);
  }
}
