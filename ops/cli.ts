// What every operator command does alike: exit with a message, print text or JSON.

/** Prints `message` to stderr and exits with status 1. */
export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Prints `json` with --json, else `text`. */
export function printer(json: boolean): (value: unknown, text: string) => void {
  return (value, text) => console.log(json ? JSON.stringify(value) : text);
}
