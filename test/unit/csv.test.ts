import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from '../../functions/domain/csv.ts';
import { CSV_COLUMNS, csvHeader, csvRow } from '../../ops/export-format.ts';
import { toCsv } from '../../web/dashboard/format.ts';
import type { LakeRecord } from '../../functions/domain/lake.ts';

const record = (overrides: Partial<LakeRecord> = {}): LakeRecord => ({
  event_id: 'e-1',
  site_id: 'site-a',
  event_type: 'page_view',
  path: '/',
  user_id: 'u1',
  timestamp: '2026-03-02T12:00:00.000Z',
  received_at: '2026-03-02T12:00:01.000Z',
  device: 'desktop',
  browser: 'Firefox',
  os: 'Linux',
  country: 'DE',
  ...overrides,
});

describe('csvField', () => {
  it.each([
    ['=HYPERLINK("https://evil.example","x")', `"'=HYPERLINK(""https://evil.example"",""x"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', `"'\r=1"`],
  ])('makes text starting with a formula character inert: %j', (text, field) => {
    expect(csvField(text)).toBe(field);
  });

  it('leaves text that starts otherwise as it is, quoting what RFC 4180 asks to', () => {
    expect(csvField('/pricing')).toBe('/pricing');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('/docs, "quoted"')).toBe('"/docs, ""quoted"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField("'already")).toBe("'already");
  });

  it('writes numbers as numbers, negative ones too, and undefined as an empty field', () => {
    expect([csvField(-5), csvField(0), csvField(12.5), csvField(undefined), csvField('')]).toEqual(['-5', '0', '12.5', '', '']);
  });

  it('joins a record with commas and ends it with CRLF', () => {
    expect(csvLine(['-x', -1, undefined, 'y'])).toBe("'-x,-1,,y\r\n");
  });
});

describe('npm run export --format csv', () => {
  it('neutralises every text field a client chose and keeps the visit numbers as numbers', () => {
    // Prepare
    const hostile = record({
      event_type: '-cmd',
      path: '/@home',
      user_id: '=1+1',
      visit: { page: 2, gap_ms: 0, entry_page: '/', source: '@attacker', utm_medium: '+email', utm_campaign: '=spring' },
    });

    // Act
    const fields = csvRow(hostile).trimEnd().split(',');

    // Assess
    const column = (name: (typeof CSV_COLUMNS)[number]) => fields[CSV_COLUMNS.indexOf(name)];
    expect(column('event_type')).toBe("'-cmd");
    expect(column('path')).toBe('/@home');
    expect(column('user_id')).toBe("'=1+1");
    expect(column('source')).toBe("'@attacker");
    expect(column('utm_medium')).toBe("'+email");
    expect(column('utm_campaign')).toBe("'=spring");
    expect([column('visit_page'), column('visit_gap_ms')]).toEqual(['2', '0']);
  });

  it('writes the header and an event without a visit with empty visit fields', () => {
    expect(csvHeader()).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    expect(csvRow(record())).toBe('e-1,site-a,page_view,/,u1,2026-03-02T12:00:00.000Z,2026-03-02T12:00:01.000Z,desktop,Firefox,Linux,DE,,,,,,,,\r\n');
  });

  it('writes the visit id and the custom properties as one JSON object', () => {
    const row = csvRow(record({ visit: { page: 1, gap_ms: 0, entry_page: '/', source: '(direct)', utm_medium: '(none)', utm_campaign: '(none)', id: 'v1' }, props: { plan: 'pro' } }));
    expect(row).toBe('e-1,site-a,page_view,/,u1,2026-03-02T12:00:00.000Z,2026-03-02T12:00:01.000Z,desktop,Firefox,Linux,DE,1,0,/,(direct),(none),(none),v1,"{""plan"":""pro""}"\r\n');
  });
});

describe("the dashboard's CSV downloads", () => {
  it('neutralises labels (paths, sources, campaigns, event types) and keeps counts as numbers', () => {
    expect(toCsv(['source', 'visits', 'views'], [['=evil()', 3, 4], ['-1', 1, 1], ['google.com', 2, -0]])).toBe(
      "source,visits,views\r\n'=evil(),3,4\r\n'-1,1,1\r\ngoogle.com,2,0\r\n",
    );
  });
});
