import type { TranslateConfig } from '@aws-sdk/lib-dynamodb';

/**
 * A number as read: a JS number, or a bigint for an integer past 2^53, which a number would not
 * hold exactly (breakdown counters pack visits and page views into one number; table-schema.ts).
 */
function exactNumber(text: string): number | bigint {
  const value = Number(text);
  return /^-?\d+$/.test(text) && !Number.isSafeInteger(value) ? BigInt(text) : value;
}

/** How every document client of the project marshals: undefined values left out, large integers exact. */
export const DOCUMENT_TRANSLATION: TranslateConfig = {
  marshallOptions: { removeUndefinedValues: true },
  unmarshallOptions: { wrapNumbers: exactNumber },
};
