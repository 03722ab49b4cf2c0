// What the bench and the soak share around a run: Ctrl-C and SIGTERM stop it, a watchdog
// stops it at its deadline, a failure is reported in one line, and the local runtime and
// everything else the run started are stopped once, however the run ends.
import { BenchFailure } from './numbers.ts';

export interface RunGuard {
  /** The exit code of a run that threw, after saying why. */
  failed(error: unknown): number;
  /** Stops everything (once); call it in `finally`. */
  end(): Promise<void>;
}

/** Installs the signal handlers and the watchdog of a run; `stop` stops what the run started. */
export function guardRun(opts: {
  progress: (line: string) => void;
  /** Epoch ms at which the watchdog stops the run. */
  deadline: number;
  /** What the watchdog says when it fires. */
  timeoutMessage: string;
  stop: () => Promise<void>;
}): RunGuard {
  const { progress } = opts;
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> => (stopping ??= opts.stop());
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    progress(`${signal}: stopping...`);
    void stopAll().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const watchdog = setTimeout(() => {
    progress(`FAILED: ${opts.timeoutMessage}; stopping`);
    void stopAll().then(() => process.exit(1));
  }, opts.deadline - Date.now());
  return {
    failed(error) {
      progress(`FAILED: ${error instanceof BenchFailure ? error.message : ((error as Error).stack ?? String(error))}`);
      return 1;
    },
    async end() {
      clearTimeout(watchdog);
      progress('stopping the local runtime...');
      await stopAll();
    },
  };
}
