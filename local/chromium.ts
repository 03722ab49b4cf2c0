// Where the browser tests and the dashboard benchmark find a Chromium: CHROMIUM_PATH, else a Chromium or Chrome installed
// on the system, else the headless Chromium that the @sparticuz/chromium devDependency ships
// inside its npm package (unpacked to the temp folder on first use; nothing is downloaded).
import { existsSync } from 'node:fs';
import chromiumPackage from '@sparticuz/chromium';

/** Usual install locations of Chromium and Chrome on Linux and macOS. */
const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Flags for any of them: no sandbox (CI runs as root), nothing that talks to the network by itself. */
const COMMON_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumBinary {
  readonly executablePath: string;
  readonly args: readonly string[];
  /** Where it came from, for messages. */
  readonly source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
}

/** The Chromium the browser tests launch (see the module comment for the order). */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumBinary> {
  if (env.CHROMIUM_PATH) return { executablePath: env.CHROMIUM_PATH, args: COMMON_ARGS, source: 'CHROMIUM_PATH' };
  const installed = SYSTEM_PATHS.find((candidate) => existsSync(candidate));
  if (installed) return { executablePath: installed, args: COMMON_ARGS, source: 'system' };
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `No Chromium or Chrome found (looked at ${SYSTEM_PATHS.join(', ')}): install one or set CHROMIUM_PATH. ` +
        `The Chromium in @sparticuz/chromium runs on Linux x64 only (this is ${process.platform} ${process.arch}).`,
    );
  }
  // chrome-headless-shell built for Lambda; --no-zygote as the package recommends. Its other
  // recommended flags (e.g. --disable-web-security) are left out: the tests rely on CORS.
  return { executablePath: await chromiumPackage.executablePath(), args: [...COMMON_ARGS, '--no-zygote'], source: '@sparticuz/chromium' };
}
