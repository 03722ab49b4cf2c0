import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { processBatch, type ProcessorSettings } from '../../functions/processor/process-batch.ts';
import { daysIn } from '../../functions/domain/stats.ts';
import { readSiteStats } from '../../functions/store/read/site-stats.ts';
import { readBreakdown } from '../../functions/store/read/breakdowns.ts';
import { siteRecorder } from '../../functions/store/write/site-recorder.ts';
import { stackResources, type StackResources } from '../support/aws.ts';
import { trackedEvent } from '../support/factories.ts';
import { silenceOutput } from '../support/output.ts';
import { processorSettings, queueRecords } from '../support/processing.ts';

let aws: StackResources;
let settings: ProcessorSettings;
beforeAll(async () => {
  silenceOutput();
  aws = await stackResources();
  settings = processorSettings(aws, { recordSites: siteRecorder(aws.doc, aws.tables.aggregates) });
});
afterEach(() => vi.restoreAllMocks());

describe('reads shared by concurrent requests', () => {
  it('read each day’s totals, path buckets and sketches of a range once, however many requests ask for them together', async () => {
    // Prepare: a site with data on every day of October and the first days of November.
    const site = `shared-${Date.now().toString(36)}`;
    const days = daysIn({ from: '2025-10-01', to: '2025-11-03' });
    const events = days.map((day, i) => trackedEvent({ site_id: site, user_id: `u${i % 9}`, path: `/p${i % 3}`, timestamp: `${day}T09:00:00.000Z` }));
    expect((await processBatch(aws.doc, settings, queueRecords(events), `shared-${site}`)).failed).toEqual([]);
    const range = daysIn({ from: '2025-10-05', to: '2025-11-03' });
    const read = { pathBuckets: 4, monthsComplete: async () => true };
    const send = vi.spyOn(aws.doc, 'send');

    // Act: the figures, the top paths and two breakdowns of the range, at once.
    const [figures, withPaths, sources, devices] = await Promise.all([
      readSiteStats(aws.doc, aws.tables.aggregates, site, range, read, { paths: false }),
      readSiteStats(aws.doc, aws.tables.aggregates, site, range, read),
      readBreakdown(aws.doc, aws.tables.aggregates, site, range, 'source', { pathBuckets: 4 }),
      readBreakdown(aws.doc, aws.tables.aggregates, site, range, 'device', { pathBuckets: 4 }),
    ]);

    // Assess: the answers, and every key asked for once.
    expect(figures.views).toBe(30);
    expect(withPaths.views).toBe(30);
    expect(withPaths.pathViews.size).toBe(3);
    expect(figures.uniqueUsers).toBe(9);
    expect(withPaths.uniqueUsers).toBe(9);
    // These events carry no visit marks, so only the audience dimensions count them (by page view).
    expect(sources).toEqual(new Map());
    expect([...devices.values()].reduce((sum, counts) => sum + counts.views, 0)).toBe(30);
    const keys = send.mock.calls.flatMap(([command]) =>
      command instanceof BatchGetCommand ? Object.values(command.input.RequestItems ?? {}).flatMap((request) => request.Keys ?? []) : [],
    );
    const asked = keys.map((key) => `${key.pk}|${key.sk}`);
    expect(asked.length).toBe(new Set(asked).size);
    const totals = asked.filter((key) => key.startsWith(`S#${site}|`));
    expect(totals.length).toBe(30 + 31); // the range's 30 days, and October 1-4 and November 4-30 around it
    expect(asked.filter((key) => key.startsWith('P#')).length).toBe(30 * 4);
    // October has data before the range (its days 1-4), so its days in it are read; November is one month sketch.
    expect(asked.filter((key) => key.startsWith('U#')).length).toBe(16 * 27 + 16);
  });
});
