// A one-line progress bar for people (stderr, redrawn in place on a TTY; plain lines otherwise).
import type { TrainEvent } from '../train';

export function progressPrinter(out: NodeJS.WriteStream = process.stderr): (e: TrainEvent) => void {
  const tty = out.isTTY;
  let lastLine = 0;
  return (e) => {
    switch (e.event) {
      case 'start':
        out.write(
          `training ${e.network} (${e.params.toLocaleString('en-US')} parameters) on ${e.samples.toLocaleString('en-US')} samples · backend ${e.backend}: ${e.backendReason}\n`,
        );
        break;
      case 'progress': {
        const width = 28,
          done = Math.round((e.batch / e.batches) * width);
        const line = `epoch ${e.epoch + 1} [${'█'.repeat(done)}${'·'.repeat(width - done)}] ${e.batch}/${e.batches} · loss ${e.loss.toFixed(4)} · acc ${(e.accuracy * 100).toFixed(1)}% · lr ${+e.lr.toPrecision(3)} · ${Math.round(e.imagesPerSecond).toLocaleString('en-US')} img/s`;
        const now = Date.now();
        if (tty) out.write(`\r${line}\x1b[K`);
        else if (now - lastLine > 2000 || e.batch === e.batches) {
          out.write(line + '\n');
          lastLine = now;
        }
        break;
      }
      case 'epoch':
        out.write(
          `${tty ? '\r\x1b[K' : ''}epoch ${e.epoch + 1}: train loss ${e.trainLoss.toFixed(4)} acc ${(e.trainAccuracy * 100).toFixed(2)}% · ${e.valSource} loss ${e.valLoss.toFixed(4)} acc ${(e.valAccuracy * 100).toFixed(2)}% · ${e.seconds.toFixed(1)} s\n`,
        );
        break;
      case 'workers':
        out.write(`${tty ? '\r\x1b[K' : ''}workers: ${e.reason}\n`);
        break;
      case 'anomaly':
        out.write(`${tty ? '\n' : ''}⚠ ${e.message}\n`);
        break;
      case 'done': {
        // Which figure is which: the last epoch's held-out part (validation, or test when there is none), then
        // the test set, evaluated once at the end.
        const val =
          e.valAccuracy !== undefined && e.valSource === 'validation'
            ? `validation accuracy ${(e.valAccuracy * 100).toFixed(2)}% · `
            : '';
        const why = e.earlyStopped ? 'stopped early (no validation improvement)' : e.stopped ? 'stopped' : 'done';
        out.write(
          `${why}: ${val}test accuracy ${(e.testAccuracy * 100).toFixed(2)}% · ${Math.round(e.imagesPerSecond).toLocaleString('en-US')} img/s on ${e.backend}\n`,
        );
        break;
      }
      default:
    }
  };
}
