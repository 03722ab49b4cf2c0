/**
 * Text as events carry it. Kept text is well formed: no unpaired UTF-16 surrogate (no UTF-8
 * byte sequence holds one, so it could not be stored or exported as it was sent) and no control
 * character (C0 U+0000-U+001F, DEL U+007F, C1 U+0080-U+009F), which no page address holds and
 * which would garble the lake's lines, logs and the dashboard. Lengths are in code points, as
 * the schemas count characters (zod counts a surrogate pair as one).
 */

const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_RUNS = /[\u0000-\u001F\u007F-\u009F]+/g;

/** Why a text field is refused when it is not well formed. */
export const TEXT_ISSUE = 'must not hold control characters (U+0000-U+001F, U+007F-U+009F) or unpaired surrogates';

/** Whether `text` has neither unpaired surrogates nor control characters. */
export const isWellFormedText = (text: string): boolean => text.isWellFormed() && !CONTROL.test(text);

/** `text` with each run of control characters made one space (for values decoded from a URL). */
export const spaceControls = (text: string): string => text.replace(CONTROL_RUNS, ' ');

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/** `text` cut to at most `max` code points: a surrogate pair is kept whole or left out whole, never cut in two. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (let points = 0; points < max && end < text.length; points++) {
    end += isHighSurrogate(text.charCodeAt(end)) && isLowSurrogate(text.charCodeAt(end + 1)) ? 2 : 1;
  }
  return text.slice(0, end);
}
