import { describe, expect, it } from 'vitest';
import { BROWSERS, classifyUserAgent, DEVICES, OPERATING_SYSTEMS } from '../../functions/domain/user-agent.ts';
import { USER_AGENT_SAMPLES } from '../../bench/lib/user-agent-samples.ts';

describe('classifyUserAgent', () => {
  it.each(USER_AGENT_SAMPLES)('classifies $name as $device, $browser, $os', ({ userAgent, device, browser, os }) => {
    // Act
    const classified = classifyUserAgent(userAgent);

    // Assess
    expect(classified).toEqual({ device, browser, os });
  });

  it.each([
    ['no User-Agent', undefined],
    ['an empty User-Agent', ''],
  ])('classifies %s as desktop, other, other', (_name, userAgent) => {
    // Act
    const classified = classifyUserAgent(userAgent);

    // Assess
    expect(classified).toEqual({ device: 'desktop', browser: 'other', os: 'other' });
  });

  it('classifies Safari on an iPad (iPadOS 13 and later) as Safari on a Mac: its User-Agent is the same', () => {
    // Prepare
    const iPadSafari = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';

    // Act
    const classified = classifyUserAgent(iPadSafari);

    // Assess
    expect(classified).toEqual({ device: 'desktop', browser: 'Safari', os: 'macOS' });
  });

  it('classifies an Android device the parser names no type for by the "Mobile" token', () => {
    // Prepare
    const withoutModel = 'Mozilla/5.0 (Linux; Android 12) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0';

    // Act
    const phone = classifyUserAgent(`${withoutModel} Mobile Safari/537.36`);
    const tablet = classifyUserAgent(`${withoutModel} Safari/537.36`);

    // Assess
    expect(phone).toEqual({ device: 'mobile', browser: 'Chrome', os: 'Android' });
    expect(tablet).toEqual({ device: 'tablet', browser: 'Chrome', os: 'Android' });
  });

  it('reads a User-Agent of 8 KB (the parser reads its first 500 characters)', () => {
    // Prepare
    const padded = `${USER_AGENT_SAMPLES[0]!.userAgent} ${'x'.repeat(8192)}`;

    // Act
    const classified = classifyUserAgent(padded);

    // Assess
    expect(classified).toEqual({ device: 'desktop', browser: 'Chrome', os: 'Windows' });
  });
});

describe.each([
  ['device', DEVICES, (s: (typeof USER_AGENT_SAMPLES)[number]) => s.device],
  ['browser', BROWSERS, (s: (typeof USER_AGENT_SAMPLES)[number]) => s.browser],
  ['os', OPERATING_SYSTEMS, (s: (typeof USER_AGENT_SAMPLES)[number]) => s.os],
] as const)('the samples', (field, values, valueOf) => {
  it(`hold a real User-Agent for every ${field}`, () => {
    // Act
    const sampled = new Set(USER_AGENT_SAMPLES.map(valueOf));

    // Assess
    expect(values.filter((value) => !sampled.has(value))).toEqual([]);
  });
});
