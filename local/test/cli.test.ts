import { describe, expect, it } from 'vitest';
import { contextOf, localContext } from '../cli.ts';

describe("npm start's context", () => {
  it('uses a 2 s batch window when none is given, so a new event is counted within seconds', () => {
    // Act & Assess
    expect(localContext(contextOf([]))).toEqual({ batchWindowSeconds: '2' });
  });

  it('keeps the window and every other value given with -c', () => {
    // Act & Assess
    expect(localContext(contextOf(['batchWindowSeconds=30', 'apiType=rest']))).toEqual({ batchWindowSeconds: '30', apiType: 'rest' });
  });

  it('refuses -c without key=value', () => {
    // Act & Assess
    expect(() => contextOf(['batchWindowSeconds'])).toThrow('-c expects key=value');
  });
});
