/** @module Progress for long work: a redrawn bar on a terminal, a line every few percent in logs. */

export interface ProgressReporter {
  update(done: number, total: number, detail?: string): void;
  done(summary: string): void;
}

/** Progress on `stream` (stderr by default) that never writes to stdout, which carries results. */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const tty = Boolean(stream.isTTY);
  let started = performance.now();
  let lastLogged = -1;
  let lastDraw = 0;
  let lastDone = 0;
  return {
    update(done, total, detail = '') {
      const now = performance.now();
      // Counting from the start again is a new phase (train's refit after early stopping): time it afresh.
      if (done < lastDone) {
        started = now;
        lastLogged = -1;
      }
      lastDone = done;
      const elapsed = (now - started) / 1000;
      const eta = done > 0 ? (elapsed * (total - done)) / done : 0;
      const line = `${label} ${done}/${total} ${detail} ${elapsed.toFixed(1)}s elapsed, ~${eta.toFixed(0)}s left`;
      if (tty) {
        // Redraw at most 10 times a second: terminals are slow, training is not.
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        const width = 24;
        const filled = Math.round((width * done) / total);
        stream.write(`\r\x1b[K${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${line}`);
      } else {
        const decile = Math.floor((10 * done) / total);
        if (decile === lastLogged) return;
        lastLogged = decile;
        stream.write(`${line}\n`);
      }
    },
    done(summary) {
      stream.write(`${tty ? '\r\x1b[K' : ''}${summary}\n`);
    },
  };
}

/** Progress through the phases of one command (reading, scoring, …): a reporter per phase, named after it. */
export interface PhasedProgress {
  /** `done` of `total` in `phase`: rows, or bytes for the phases given as `bytePhases` (shown in MB). */
  update(done: number, total: number, phase: string): void;
  done(summary: string): void;
  /** The work failed: end a terminal's bar line, so the error printed next starts a line of its own. */
  fail(): void;
}

/** Phased progress on `stream` (stderr by default); stdout stays for results. */
export function phasedProgress(bytePhases: readonly string[] = ['reading'], stream: NodeJS.WriteStream = process.stderr): PhasedProgress {
  const reporters = new Map<string, ProgressReporter>();
  let current: ProgressReporter | undefined;
  const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
  return {
    update(done, total, phase) {
      current = reporters.get(phase);
      if (!current) reporters.set(phase, (current = progressReporter(phase, stream)));
      // In tenths of a MB; a file under 50 kB still reads 0.1/0.1 MB rather than 0/0.
      if (bytePhases.includes(phase)) current.update(Math.min(mb(done), Math.max(0.1, mb(total))), Math.max(0.1, mb(total)), 'MB');
      else current.update(done, total, 'rows');
    },
    done(summary) {
      (current ?? progressReporter('', stream)).done(summary);
    },
    fail() {
      if (current && stream.isTTY) stream.write('\n');
    },
  };
}
