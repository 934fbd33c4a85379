// Streamed debug events arrive faster than they are worth drawing: they are queued and handed on together at
// most once per `ms` (the first at once), so a burst costs one store update and one render.

export interface Coalescer<T> {
  push(item: T): void;
  /** Hands on what is queued now (a connection closing, tests). */
  flush(): void;
  cancel(): void;
}

export function coalesce<T>(apply: (items: T[]) => void, ms: number, now = () => Date.now()): Coalescer<T> {
  let queue: T[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = -Infinity;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    last = now();
    if (!queue.length) return;
    const items = queue;
    queue = [];
    apply(items);
  };
  return {
    push(item) {
      queue.push(item);
      const wait = ms - (now() - last);
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    flush,
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      queue = [];
    },
  };
}
