/** @module An incremental RFC 4180 record splitter: text arrives in chunks, records leave with the line they start on. */
// Lines without a quote take a fast path (`split(',')`); only records with quotes are scanned
// character by character, since they may hold commas, quotes and newlines.

/** A malformed record: the reader adds the file name and the column's name. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    /** 0-based index of the offending cell within its record. */
    readonly cell: number,
    readonly detail: string,
  ) {
    super(`${line}: ${detail}`);
  }
}

/**
 * Receives each record: its cell texts, which cells were quoted (null when none were), and the
 * 1-based line it starts on.
 */
export type RecordSink = (cells: string[], quoted: boolean[] | null, line: number) => void;

/** Splits CSV text into records; call `push` per chunk, then `end`. */
export class CsvParser {
  private buf = '';
  private line = 1;
  private nextQuote = -1;

  constructor(private readonly sink: RecordSink) {}

  /** Feed the next piece of text. */
  push(chunk: string): void {
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    this.drain(false);
  }

  /** No more text: the last record may lack a final newline. */
  end(): void {
    this.drain(true);
    this.buf = '';
  }

  private drain(final: boolean): void {
    const buf = this.buf;
    let pos = 0;
    this.nextQuote = -1; // an index into the previous buffer means nothing in this one
    while (pos < buf.length) {
      let nl = buf.indexOf('\n', pos);
      if (nl === -1) {
        if (!final) break;
        nl = buf.length;
      }
      if (this.nextQuote !== Infinity && this.nextQuote < pos) {
        const q = buf.indexOf('"', pos);
        this.nextQuote = q === -1 ? Infinity : q;
      }
      if (this.nextQuote > nl) {
        const end = nl > pos && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl; // drop the \r of \r\n
        this.sink(buf.slice(pos, end).split(','), null, this.line);
        this.line++;
        pos = nl + 1;
        continue;
      }
      const next = this.quotedRecord(buf, pos, final);
      if (next === -1) break; // the record continues in the next chunk
      pos = next;
    }
    this.buf = pos >= buf.length ? '' : buf.slice(pos);
  }

  /** Parse one record that contains a quote; returns where the next record starts, or -1 if it is incomplete. */
  private quotedRecord(buf: string, start: number, final: boolean): number {
    const cells: string[] = [];
    const quoted: boolean[] = [];
    let p = start;
    let lines = 0;
    for (;;) {
      const cell = cells.length;
      if (buf.charCodeAt(p) === 34) {
        let text = '';
        let from = p + 1;
        for (;;) {
          const q = buf.indexOf('"', from);
          if (q === -1 || (q === buf.length - 1 && !final)) {
            if (final) throw new CsvSyntaxError(this.line + lines, cell, 'unterminated quoted cell');
            return -1;
          }
          text += buf.slice(from, q);
          if (buf.charCodeAt(q + 1) !== 34) {
            p = q + 1;
            break;
          }
          text += '"';
          from = q + 2;
        }
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
        cells.push(text);
        quoted.push(true);
        const c = buf.charCodeAt(p);
        if (c === 44) { p++; continue; } // ,
        if (c === 10) { p++; break; }
        if (c === 13 && buf.charCodeAt(p + 1) === 10) { p += 2; break; }
        if (p >= buf.length) break; // final, since incomplete input returned above
        if (c === 13 && p + 1 >= buf.length && !final) return -1;
        throw new CsvSyntaxError(this.line + lines, cell, 'unexpected text after a closing quote');
      }
      let nl = buf.indexOf('\n', p);
      if (nl === -1) {
        if (!final) return -1;
        nl = buf.length;
      }
      let comma = buf.indexOf(',', p);
      if (comma === -1 || comma > nl) comma = -1;
      const endCell = comma === -1 ? nl : comma;
      let text = buf.slice(p, endCell);
      if (comma === -1 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
      if (text.includes('"')) throw new CsvSyntaxError(this.line + lines, cell, 'unexpected quote inside an unquoted cell');
      cells.push(text);
      quoted.push(false);
      if (comma === -1) {
        p = nl + 1;
        break;
      }
      p = comma + 1;
    }
    this.sink(cells, quoted, this.line);
    this.line += lines + 1;
    return p;
  }
}
