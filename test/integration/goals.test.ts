import { beforeAll, describe, expect, it } from 'vitest';
import { goalOf, MAX_GOALS } from '../../functions/domain/goals.ts';
import { addGoal, readGoals, removeGoal } from '../../functions/store/sites/goals.ts';
import { siteGoals } from '../../functions/store/sites/site-goals.ts';
import { readSites } from '../../functions/store/sites/registrations.ts';
import { stackResources, type StackResources } from '../support/aws.ts';
import { sitesCli as runSitesCli } from '../support/sites-cli.ts';

let aws: StackResources;
const run = Date.now().toString(36);

beforeAll(async () => {
  aws = await stackResources();
});

const sitesCli = (...args: string[]) => runSitesCli(['--table', aws.tables.sites], ...args);

describe('site goals (store, against DynamoDB Local)', () => {
  it('adds goals once each, lists event goals first, and removes them', async () => {
    const site = `goals-${run}`;
    expect(await readGoals(aws.doc, aws.tables.sites, site)).toEqual([]);
    const page = goalOf('page:/thank-you*');
    const event = goalOf('event:signup');
    expect(await addGoal(aws.doc, aws.tables.sites, site, page)).toEqual({ ok: true, added: true, goals: [page] });
    expect(await addGoal(aws.doc, aws.tables.sites, site, event)).toEqual({ ok: true, added: true, goals: [event, page] });
    expect(await addGoal(aws.doc, aws.tables.sites, site, event)).toEqual({ ok: true, added: false, goals: [event, page] });
    expect(await readGoals(aws.doc, aws.tables.sites, site)).toEqual([event, page]);
    expect(await removeGoal(aws.doc, aws.tables.sites, site, page)).toBe(true);
    expect(await removeGoal(aws.doc, aws.tables.sites, site, page)).toBe(false);
    expect(await readGoals(aws.doc, aws.tables.sites, site)).toEqual([event]);
    expect(await removeGoal(aws.doc, aws.tables.sites, site, event)).toBe(true);
    expect(await readGoals(aws.doc, aws.tables.sites, site)).toEqual([]);
    expect((await readSites(aws.doc, aws.tables.sites, [site])).get(site)).toBeUndefined();
  });

  it(`keeps at most ${MAX_GOALS} goals, adding none past them, even when added at once`, async () => {
    const site = `goals-full-${run}`;
    const goals = Array.from({ length: MAX_GOALS + 5 }, (_, i) => goalOf(`event:e${i}`));
    const results = await Promise.all(goals.map((goal) => addGoal(aws.doc, aws.tables.sites, site, goal)));
    expect(results.filter((result) => result.ok)).toHaveLength(MAX_GOALS);
    expect(results.filter((result) => !result.ok)).toEqual(Array.from({ length: 5 }, () => ({ ok: false, reason: 'full' })));
    const stored = await readGoals(aws.doc, aws.tables.sites, site);
    expect(stored).toHaveLength(MAX_GOALS);
    const kept = stored[0]!;
    expect(await addGoal(aws.doc, aws.tables.sites, site, kept)).toMatchObject({ ok: true, added: false });
  });

  it('are read again by the stats function once a minute old', async () => {
    const site = `goals-cached-${run}`;
    let now = 1_000_000;
    const goalsOf = siteGoals(aws.doc, aws.tables.sites, () => now);
    expect(await goalsOf(site)).toEqual([]);
    await addGoal(aws.doc, aws.tables.sites, site, goalOf('event:signup'));
    expect(await goalsOf(site)).toEqual([]);
    now += 60_000;
    expect(await goalsOf(site)).toEqual([goalOf('event:signup')]);
  });
});

describe('npm run sites -- goal', () => {
  it('adds an event goal and a page goal, lists them, and removes one', () => {
    const site = `goals-cli-${run}`;
    expect(sitesCli('goal', 'add', '--site', site, '--event', 'signup').json).toEqual({ site_id: site, goal: 'event:signup', added: true, goals: ['event:signup'] });
    expect(sitesCli('goal', 'add', '--site', site, '--page', '/thank-you*').json).toMatchObject({ added: true, goals: ['event:signup', 'page:/thank-you*'] });
    expect(sitesCli('goal', 'list', '--site', site).json).toEqual({ site_id: site, goals: ['event:signup', 'page:/thank-you*'] });
    expect(sitesCli('goal', 'remove', '--site', site, '--page', '/thank-you*').json).toEqual({ site_id: site, goal: 'page:/thank-you*', removed: true });
    expect(sitesCli('goal', 'list', '--site', site).json.goals).toEqual(['event:signup']);
  });

  it.each([
    [['goal', 'add', '--event', 'sign up'], '--event sign up must be an event type'],
    [['goal', 'add', '--page', 'thank-you'], '--page thank-you must be a path starting with "/"'],
    [['goal', 'add', '--page', '/a', '--event', 'b'], 'give one of --event NAME and --page PATTERN'],
    [['goal', 'add'], 'give one of --event NAME and --page PATTERN'],
    [['goal', 'remove', '--event', 'never'], 'has no goal event:never'],
    [['goal', 'rename', '--event', 'x'], 'usage: npm run sites -- goal add'],
  ])('refuses %j, changing nothing', (args, message) => {
    const site = `goals-bad-${run}`;
    const refused = sitesCli(...args.slice(0, 2), '--site', site, ...args.slice(2));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(message);
    expect(sitesCli('goal', 'list', '--site', site).json.goals).toEqual([]);
  });
});
