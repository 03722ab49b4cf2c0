import { describe, expect, it } from 'vitest';
import { cutText, isWellFormedText, spaceControls } from '../../functions/domain/text.ts';

describe('isWellFormedText', () => {
  it.each(['', 'page_view', '/caf\u00e9', '\u{1F600}', '\u00A0\u00FF\u2028\uFFFD', '%ED%A0%80'])('accepts %j', (text) => {
    expect(isWellFormedText(text)).toBe(true);
  });

  it.each([
    ['a C0 control', 'a\u0000'],
    ['a tab', 'a\tb'],
    ['U+001F', '\u001F'],
    ['DEL', '\u007F'],
    ['the first C1 control', '\u0080'],
    ['the last C1 control', '\u009F'],
    ['a high surrogate alone', 'a\uD83D'],
    ['a low surrogate alone', '\uDE00a'],
    ['two surrogates in the wrong order', '\uDE00\uD83D'],
  ])('refuses %s', (_name, text) => {
    expect(isWellFormedText(text)).toBe(false);
  });
});

describe('cutText', () => {
  it('leaves text within the limit as it is', () => {
    expect(cutText('abc', 3)).toBe('abc');
  });

  it('counts code points, as the schemas count characters: a surrogate pair is one', () => {
    expect(cutText('abcdef', 3)).toBe('abc');
    expect(cutText('ab\u{1F600}cd', 3)).toBe('ab\u{1F600}');
    expect(cutText('\u{1F600}\u{1F601}\u{1F602}', 2)).toBe('\u{1F600}\u{1F601}');
  });

  it('counts an unpaired surrogate as one', () => {
    expect(cutText('\uD800\uD800ab', 3)).toBe('\uD800\uD800a');
  });

  it('never cuts a surrogate pair in two, whatever the limit', () => {
    const text = 'a\u{1F600}\u{1F601}b\u{10FFFF}';
    for (let max = 0; max <= text.length; max++) {
      const cut = cutText(text, max);
      expect(cut.isWellFormed(), `max ${max}`).toBe(true);
      expect([...cut].length, `max ${max}`).toBe(Math.min(max, [...text].length));
    }
  });
});

describe('spaceControls', () => {
  it('makes each run of control characters one space', () => {
    expect(spaceControls('a\u0000\u0001b\u007F\u0085c\nd')).toBe('a b c d');
  });
});
