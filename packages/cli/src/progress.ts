import cliProgress from 'cli-progress';

export type OnProgress = (done: number, total: number) => void;

/**
 * A progress bar on stderr when it is a terminal and the output is not JSON; otherwise nothing.
 * The bar appears only once the work has run for a second, so quick commands stay quiet.
 */
export function progressBar(label: string, enabled: boolean): { onProgress: OnProgress; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    onProgress(done, total) {
      if (!bar) {
        if (Date.now() - started < 1000) return;
        bar = new cliProgress.SingleBar(
          {
            format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration}s`,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
