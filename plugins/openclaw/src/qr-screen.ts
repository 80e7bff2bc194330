// Shows a QR and a status line under it. On a terminal the block is redrawn in place when the QR
// rotates and the status line ticks; anywhere else (a pipe, a log) each QR is printed once.
import { redrawBlock, redrawLastLine } from './terminal-frame.js';

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export class QrScreen {
  private drawn = 0;

  constructor(
    private readonly out: Output,
    /** Redraw in place (a terminal); else append. */
    private readonly interactive: boolean,
  ) {}

  /** Draws (or replaces) the QR block and its status line. */
  show(qrLines: readonly string[], status: string): void {
    const lines = [...qrLines, status];
    if (this.interactive) this.out.write(redrawBlock(this.drawn, lines));
    else this.out.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  /** Replaces the status line (terminals only: a pipe would collect one line per tick). */
  status(line: string): void {
    if (this.interactive && this.drawn > 0) this.out.write(redrawLastLine(line));
  }

  /** The last word, under the QR. */
  finish(line: string): void {
    if (this.interactive && this.drawn > 0) this.out.write(redrawLastLine(line));
    else this.out.write(`${line}\n`);
    this.drawn = 0;
  }
}
