/** Files smaller than this finish before a bar would be worth drawing. */
const MIN_BYTES = 1024 * 1024;

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal and the work is large,
 * so that pipes and CI logs stay clean. Returns the callback to feed and a `done` to clear it.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  let drawn = false;
  const update = (done: number, total: number) => {
    if (!stream.isTTY || total < MIN_BYTES) return;
    const t = Date.now();
    if (t - last < 100 && done < total) return;
    last = t;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const mb = (n: number) => (n / 1048576).toFixed(1);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor((done / total) * 100)}% ${mb(done)}/${mb(total)} MB`);
    drawn = true;
  };
  const done = () => { if (drawn) stream.write('\r\x1b[K'); };
  return { update, done };
}
