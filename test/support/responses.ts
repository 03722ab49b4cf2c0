// What the API's answers hold, asserted the same way wherever a test reads one.
import { expect } from 'vitest';

/** A client error as the API answers it: a 4xx status and a JSON body with the error's code and message. */
export function expectClientError(statusCode: number, body: { error: { code: unknown; message: unknown } }): void {
  expect(statusCode).toBeGreaterThanOrEqual(400);
  expect(statusCode).toBeLessThan(500);
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
}
