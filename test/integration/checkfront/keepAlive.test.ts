import type { IDataObject } from 'n8n-workflow';

import { CHECKFRONT_KEEP_ALIVE } from '../../../nodes/Checkfront/auth';
import { RENEWED_AT_FIELD } from '../../../nodes/shared/keepAlive';
import { encodings } from '../../secret-encodings';
import { json, rig, run, sim } from './setup';

/**
 * Connection → Keep Connection Alive with Checkfront OAuth2, through n8n-core (2.41) against the
 * simulator and its clock: a weekly keep-alive carries a monthly job to day 60; without it the
 * credential dies on day 15; the output and the saved run hold no token; runs near the end warn.
 */

const DAY = 24 * 3600;
const keepAlive = async () => await run('checkfrontOAuth2Api', { resource: 'connection', operation: 'keepAlive' });
const monthlyJob = async () => await run('checkfrontOAuth2Api', { resource: 'booking', operation: 'getAll', limit: 3 });
const stored = () => rig.harness.store.read('oauth').oauthTokenData as IDataObject;

function expectLiveAtSimulator(): void {
	const data = stored();
	expect(sim.refreshTokens.get(String(data.refresh_token))?.live).toBe(true);
	expect(sim.refreshTokens.get(String(data.refresh_token))!.expiresAt).toBeGreaterThan(sim.now());
}

it('a weekly keep-alive keeps a credential used only by a monthly job working on day 60', async () => {
	const log: string[] = [];
	for (let day = 0; day <= 60; day++) {
		if (day % 7 === 0) {
			const { items, error } = await keepAlive();
			expect(error?.message).toBeUndefined();
			expect(json(items)).toEqual([expect.objectContaining({ connection: 'ok', renewed: 'renewed' })]);
			log.push(`${day}:keep-alive`);
		}
		if (day % 30 === 0) {
			const { items, error } = await monthlyJob();
			expect(error?.message).toBeUndefined();
			expect(items).toHaveLength(3);
			log.push(`${day}:job`);
		}
		sim.advance(DAY);
	}
	expect(log).toContain('60:job');
	// one refresh per keep-alive (9), plus one per monthly job whose access token had expired (days 30, 60)
	expect(sim.refreshRequests()).toHaveLength(9 + 2);
	expectLiveAtSimulator();
});

it('without the keep-alive the same credential dies on day 15, with the reconnect message', async () => {
	expect((await monthlyJob()).error).toBeUndefined();
	sim.advance(13 * DAY);
	sim.server.clearLog();
	// nothing ran for 13 days: still alive, no request made yet
	expect(sim.refreshRequests()).toHaveLength(0);
	sim.advance(2 * DAY);
	const { error } = await monthlyJob();
	expect(error?.message).toBe('Checkfront: the OAuth2 connection has expired or was revoked; reconnect the credential');
	expect(error?.description).toMatch(/Reconnect/);
});

it('outputs when the connection next needs renewing, and no token anywhere in the saved run', async () => {
	const before = stored();
	const started = Date.now();
	const { items, error, run: saved } = await keepAlive();
	expect(error).toBeUndefined();
	const [out] = json(items);
	expect(Object.keys(out).sort()).toEqual(['accessTokenExpiresAt', 'connection', 'nextRenewalDue', 'refreshTokenExpiresAt', 'renewed', 'renewedAt']);
	const renewed = Date.parse(String(out.renewedAt));
	expect(renewed).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
	expect(Date.parse(String(out.refreshTokenExpiresAt)) - renewed).toBe(14 * DAY * 1000);
	expect(Date.parse(String(out.nextRenewalDue)) - renewed).toBe(7 * DAY * 1000);
	expect(Date.parse(String(out.accessTokenExpiresAt)) - renewed).toBe(sim.accessTokenLifetimeSeconds * 1000);

	const after = stored();
	expect(after.refresh_token).not.toBe(before.refresh_token);
	expect(Math.floor(Number(after[RENEWED_AT_FIELD]) / 1000) * 1000).toBe(renewed);
	const text = JSON.stringify(saved);
	const tokens = [before.access_token, before.refresh_token, after.access_token, after.refresh_token, sim.clientSecret].map(String);
	for (const token of tokens) for (const encoded of Object.values(encodings(token))) expect(text).not.toContain(encoded);
});

it('several input items: one renewal per execution, the same answer on every item', async () => {
	const { items, error } = await run('checkfrontOAuth2Api', { resource: 'connection', operation: 'keepAlive' }, { items: [{}, {}, {}] });
	expect(error).toBeUndefined();
	expect(items).toHaveLength(3);
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(sim.refreshRequests()).toHaveLength(1);
});

it('a dead connection: the keep-alive raises the reconnect error days before a job needs it', async () => {
	sim.advance(15 * DAY);
	const { error } = await keepAlive();
	expect(error?.message).toBe('Checkfront: the OAuth2 connection has expired or was revoked; reconnect the credential');
	expect(error?.description).toMatch(/The keep-alive found this before any other workflow needed the connection/);
});

it('with the API key credential there is nothing to keep alive, and nothing is sent', async () => {
	const { items, error } = await run('checkfrontApi', { resource: 'connection', operation: 'keepAlive' });
	expect(error).toBeUndefined();
	expect(json(items)).toEqual([expect.objectContaining({ connection: 'ok', renewed: false })]);
	expect(sim.server.requests).toHaveLength(0);
});

it('a keep-alive racing a 401 refresh in another execution: neither fails, the newest pair is stored (2.x coordination)', async () => {
	sim.expireAccessTokens();
	const [job, alive] = await Promise.all([monthlyJob(), keepAlive()]);
	expect(job.error?.message).toBeUndefined();
	expect(alive.error?.message).toBeUndefined();
	expect(job.items).toHaveLength(3);
	expectLiveAtSimulator();
});

describe('warnings before death', () => {
	const hintsOf = (saved: Awaited<ReturnType<typeof run>>['run']) =>
		Object.values(saved.data.resultData.runData).flatMap((tasks) => tasks.flatMap((task) => task.hints ?? []));
	const renewedDaysAgo = (days: number, extra: IDataObject = {}) => {
		const data = rig.harness.store.read('oauth');
		data.oauthTokenData = { ...(data.oauthTokenData as IDataObject), [RENEWED_AT_FIELD]: String(Date.now() - days * DAY * 1000) };
		rig.harness.store.update('oauth', { ...data, ...extra } as typeof data);
	};

	it('a run that sees the refresh token within the margin adds a hint saying when it dies and how to keep it alive', async () => {
		renewedDaysAgo(10);
		const { error, run: saved } = await monthlyJob();
		expect(error).toBeUndefined();
		const hints = hintsOf(saved);
		expect(hints).toHaveLength(1);
		expect(hints[0]).toMatchObject({ type: 'warning' });
		expect(hints[0].message).toMatch(/^Checkfront: the refresh token of this credential was last renewed on .+ and stops working on .+ \(3 days from now\) unless it is renewed before\. .*Keep Connection Alive every 7 days/);
	});

	it('no hint outside the margin, or with the margin set to 0 on the credential', async () => {
		renewedDaysAgo(14 - CHECKFRONT_KEEP_ALIVE.warnDaysBefore - 1);
		expect(hintsOf((await monthlyJob()).run)).toEqual([]);
		renewedDaysAgo(12, { connectionWarningDays: 0 });
		expect(hintsOf((await monthlyJob()).run)).toEqual([]);
		renewedDaysAgo(8, { connectionWarningDays: 7 });
		expect(hintsOf((await monthlyJob()).run)).toHaveLength(1);
	});

	it("n8n 2.x's own expiry is read when no stamp is there (a refresh made by another node)", async () => {
		const data = rig.harness.store.read('oauth');
		const token = data.oauthTokenData as IDataObject;
		const issued = Date.now() - 11 * DAY * 1000;
		rig.harness.store.update('oauth', { ...data, oauthTokenData: { ...token, expires_in: 14000, n8n_expires_at: String(issued + 14000 * 1000) } });
		expect(hintsOf((await monthlyJob()).run).map((hint) => hint.message)).toEqual([expect.stringMatching(/\(2 days from now\)/)]);
	});
});
