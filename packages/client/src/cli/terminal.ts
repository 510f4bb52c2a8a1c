// The terminal side of the CLI: a password prompt without echo, and a download progress bar.

/** Reads a password from the terminal without echoing it; from stdin's first line when not a terminal. */
export async function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (value: string | Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    const onData = (data: string): void => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') {
          done(text);
          return;
        }
        if (ch === '\u0003') {
          done(new Error('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else if (ch >= ' ') text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A one-line progress bar on stderr: `[########            ]  40%  1.2 MiB / 3.0 MiB`. */
export function progressBar(label: string): (received: number, total: number | null) => void {
  let last = -1;
  return (received, total) => {
    const width = 30;
    const fraction = total ? Math.min(1, received / total) : 0;
    const percent = Math.floor(fraction * 100);
    if (percent === last && received !== total) return;
    last = percent;
    const filled = Math.round(fraction * width);
    const bar = total
      ? `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(percent).padStart(3)}%`
      : '[downloading]';
    process.stderr.write(`\r${label} ${bar}  ${mib(received)}${total ? ` / ${mib(total)}` : ''}`);
    if (total !== null && received >= total) process.stderr.write('\n');
  };
}
