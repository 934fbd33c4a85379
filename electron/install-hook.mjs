// Loaded into Electron's own installer (`node --import <this> node_modules/electron/install.js`) by the launcher
// (electron-install.ts). Two things the installer does not give a parent process:
// - progress: its progress bar draws only on a terminal, after 30 s; here each received megabyte (or percent)
//   becomes a line `@netloom-progress <bytes> <total or 0>` on stderr, which the launcher turns into its own line;
// - the cause of a failed download: install.js prints `err.stack`, and for fetch that is only "fetch failed";
//   the words that say what happened ("getaddrinfo ENOTFOUND github.com") are in `err.cause`.
const realFetch = globalThis.fetch;

globalThis.fetch = async (input, init) => {
  let res;
  try {
    res = await realFetch(input, init);
  } catch (err) {
    const cause = err && err.cause;
    const words = cause && (cause.message || cause.code);
    if (words) {
      err.message = words;
      err.stack = `${err.name}: ${words}`;
    }
    throw err;
  }
  if (!res.ok || !res.body) return res;
  const total = Number(res.headers.get('content-length')) || 0;
  let received = 0;
  let reported = -1;
  const report = (force) => {
    const mark = total ? Math.floor((received / total) * 100) : Math.floor(received / 2 ** 20);
    if (mark === reported && !force) return;
    reported = mark;
    process.stderr.write(`@netloom-progress ${received} ${total}\n`);
  };
  report(true);
  const counted = res.body.pipeThrough(
    new TransformStream({
      transform(chunk, out) {
        received += chunk.byteLength;
        report(false);
        out.enqueue(chunk);
      },
      flush() {
        report(true);
      },
    }),
  );
  return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
};
