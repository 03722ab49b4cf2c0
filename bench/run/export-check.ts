// `npm run bench`: an export of the bench's events through GET /stats/export, each file downloaded
// from its pre-signed URL, must equal the events the bench sent (count and event_ids), no event twice.
import { gunzipSync } from 'node:zlib';
import type { ExportResponse } from '../../functions/api/responses.ts';
import { mapLimit } from '../../functions/commons/map-limit.ts';
import type { Workload } from '../workload/workload.ts';

export interface ExportCheck {
  files: number;
  bytes: number;
  events: number;
  calls: number;
  mismatches: string[];
}

const DAY_MS = 86_400_000;
const shiftDay = (day: string, days: number): string => new Date(Date.parse(day) + days * DAY_MS).toISOString().slice(0, 10);

export async function checkExport(opts: { apiUrl: string; adminKey: string; workload: Workload }): Promise<ExportCheck> {
  const { workload } = opts;
  // The workload's UTC days, and one either side: the bench's sites count on UTC days, but the
  // range costs nothing where there are no files.
  const from = shiftDay(workload.days[0]!, -1);
  const to = shiftDay(workload.days.at(-1)!, 1);
  const urls: string[] = [];
  const check: ExportCheck = { files: 0, bytes: 0, events: 0, calls: 0, mismatches: [] };
  for (const site of workload.sites) {
    let cursor: string | undefined;
    do {
      const url = new URL(`${opts.apiUrl}/stats/export`);
      url.searchParams.set('site_id', site);
      url.searchParams.set('from', from);
      url.searchParams.set('to', to);
      if (cursor) url.searchParams.set('cursor', cursor);
      const response = await fetch(url, { headers: { authorization: `Bearer ${opts.adminKey}` } });
      check.calls++;
      const body = (await response.json()) as ExportResponse;
      if (response.status !== 200) {
        check.mismatches.push(`GET /stats/export of ${site} answered ${response.status} ${JSON.stringify(body)}`);
        break;
      }
      urls.push(...body.files.map((file) => file.url));
      cursor = body.next_cursor;
    } while (cursor);
  }
  const seen = new Map<string, number>();
  await mapLimit(urls, 8, async (url) => {
    const response = await fetch(url);
    const gzipped = Buffer.from(await response.arrayBuffer());
    check.files++;
    check.bytes += gzipped.length;
    for (const line of gunzipSync(gzipped).toString('utf8').split('\n')) {
      if (!line) continue;
      const id = (JSON.parse(line) as { event_id: string }).event_id;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      check.events++;
    }
  });
  const sent = new Set(workload.beacons.map((beacon) => beacon.event_id));
  const twice = [...seen].filter(([, n]) => n > 1).length;
  const unknown = [...seen.keys()].filter((id) => !sent.has(id)).length;
  const missing = [...sent].filter((id) => !seen.has(id)).length;
  if (twice) check.mismatches.push(`the export holds ${twice} events more than once`);
  if (unknown) check.mismatches.push(`the export holds ${unknown} events the bench did not send`);
  if (missing) check.mismatches.push(`the export lacks ${missing} of the events sent`);
  return check;
}
