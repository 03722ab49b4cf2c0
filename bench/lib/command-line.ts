// A benchmark's command line: its options, or the parser's message on stderr.

/** The options `parse` finds in this process's arguments; undefined (with the message printed) when they are wrong. */
export function optionsOrMessage<T>(parse: (argv: string[]) => T): T | undefined {
  try {
    return parse(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return undefined;
  }
}
