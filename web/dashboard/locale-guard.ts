// Imported first by app.ts, before the chart library: uPlot formats numbers with
// `new Intl.NumberFormat(navigator.language)` when it loads, and a browser started with a POSIX
// locale reports a tag such as `en-US@posix`, which Intl refuses, so the page would not start. Such
// a browser's language reads as `en` for the page (format.ts skips the tag the same way).
try {
  new Intl.NumberFormat(navigator.language);
} catch {
  Object.defineProperty(navigator, 'language', { value: 'en', configurable: true });
}

export {};
