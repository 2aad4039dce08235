import type { IDataObject } from 'n8n-workflow';

import { resetTokenState } from '../../../nodes/shared/tokens';
import { bearerOf } from '../../simulators/framework';
import { leaksIn, rig, run, sim, SCOPES } from './setup';

/**
 * The unattended refresh-token credential (client id, client secret, a refresh token obtained once): each
 * exchange stores the newest refresh token, so the one-year window keeps rolling; one exchange per refresh
 * token at a time; a refresh token another process already used is replaced by the newer one it stored.
 */

const RT = 'fattureInCloudRefreshTokenApi' as const;
const getInfo = { resource: 'user', operation: 'getInfo' };
const stored = () => rig.harness.store.read(RT) as IDataObject;
const MONTH = 30 * 24 * 3600;

it('three executions a simulated month apart keep working; each stores the newest refresh token', async () => {
	const seen: string[] = [String(stored().refreshToken)];
	for (let month = 0; month < 3; month++) {
		if (month > 0) {
			sim.advance(MONTH);
			resetTokenState(); // a month later: a new process state, nothing cached
		}
		const result = await run(RT, getInfo);
		expect(result.error).toBeUndefined();
		expect(leaksIn(result)).toEqual([]);
		const data = stored();
		// The refresh token now stored is the one Fatture in Cloud issued last, and the only live one.
		expect(sim.refreshTokens.get(String(data.refreshToken))?.live).toBe(true);
		for (const earlier of seen) expect(sim.refreshTokens.get(earlier)?.live).toBe(false);
		expect(data.rotatedRefreshToken).toBe(data.refreshToken);
		expect(seen).not.toContain(data.refreshToken);
		seen.push(String(data.refreshToken));
		expect(Date.parse(String(data.refreshTokenExpiresAt))).toBeGreaterThan(Date.now() + 364 * 24 * 3600_000);
	}
	expect(sim.refreshRequests()).toHaveLength(3);
	for (const request of sim.refreshRequests()) {
		expect(request.body).toMatchObject({ grant_type: 'refresh_token', client_id: sim.clientId, client_secret: sim.clientSecret });
	}
	// Thirteen months after the first token was issued, the chain is alive: each use rolled the year.
	sim.advance(10 * MONTH);
	resetTokenState();
	expect((await run(RT, getInfo)).error).toBeUndefined();
});

it('8 concurrent executions on an expired access token make exactly 1 refresh exchange and lose no run', async () => {
	expect((await run(RT, getInfo)).error).toBeUndefined();
	sim.server.clearLog();
	sim.expireAccessTokens();
	rig.harness.store.update(RT, { ...stored(), accessTokenExpiresAt: new Date(Date.now() - 60_000).toISOString() });
	const results = await Promise.all(Array.from({ length: 8 }, async () => await run(RT, { resource: 'issuedDocument', operation: 'getAll', type: 'invoice', limit: 2 })));
	expect(results.map((result) => result.error?.message)).toEqual(Array(8).fill(undefined));
	expect(results.map((result) => result.items.length)).toEqual(Array(8).fill(2));
	expect(sim.refreshRequests()).toHaveLength(1);
	const token = String(stored().accessToken);
	expect(sim.server.requestsTo('GET', '/c/12345/issued_documents').every((request) => bearerOf(request) === token)).toBe(true);
	for (const result of results) expect(leaksIn(result)).toEqual([]);
});

it('a refresh token already used by another process: the newer one it stored is adopted, the run succeeds', async () => {
	expect((await run(RT, getInfo)).error).toBeUndefined();
	sim.expireAccessTokens();
	const read = stored();
	// Another n8n process refreshes with the same refresh token just before this execution's exchange
	// reaches Fatture in Cloud, and stores its result in the credential.
	sim.server.inject(
		{
			kind: 'reply',
			reply: () => {
				const pair = sim.issuePair(SCOPES);
				sim.revoke(String(read.refreshToken));
				rig.harness.store.update(RT, { ...stored(), refreshToken: pair.refresh_token, rotatedRefreshToken: pair.refresh_token, accessToken: pair.access_token, accessTokenExpiresAt: new Date(Date.now() + 86400_000).toISOString() });
				return { status: 400, json: { error: 'invalid_grant', error_description: 'The refresh token was revoked or already used' } };
			},
		},
		{ match: (request) => request.path === '/oauth/token' },
	);
	sim.server.clearLog();
	const result = await run(RT, getInfo);
	expect(result.error).toBeUndefined();
	expect(sim.refreshRequests()).toHaveLength(1);
	const calls = sim.server.requestsTo('GET', '/user/info');
	expect(bearerOf(calls[calls.length - 1])).toBe(stored().accessToken);
	expect(leaksIn(result)).toEqual([]);
});

it('a refused refresh token with nothing newer stored ends in "reconnect", no raw invalid_grant, no secret', async () => {
	sim.revoke(String(stored().refreshToken));
	const result = await run(RT, getInfo);
	expect(result.error?.message).toMatch(/^Fatture in Cloud: the refresh token was refused; reconnect the credential \(Fatture in Cloud said: invalid_grant: /);
	expect(result.error?.description).toMatch(/Obtain a new refresh token/);
	expect(leaksIn(result)).toEqual([]);
});

it('a wrong client secret is named as such', async () => {
	rig.harness.store.update(RT, { ...stored(), clientSecret: 'wrong-secret-value' });
	const result = await run(RT, getInfo);
	expect(result.error?.message).toMatch(/refused the client ID or client secret/);
	expect(leaksIn(result, ['wrong-secret-value'])).toEqual([]);
});

it('a refresh token given by an expression keeps rolling through the hidden copy', async () => {
	const first = String(stored().refreshToken);
	rig.harness.store.update(RT, { ...stored(), refreshToken: `={{ "${first}" }}` });
	expect((await run(RT, getInfo)).error).toBeUndefined();
	const data = stored();
	expect(data.refreshToken).toBe(`={{ "${first}" }}`); // n8n keeps the expression
	expect(sim.refreshTokens.get(String(data.rotatedRefreshToken))?.live).toBe(true);
	sim.expireAccessTokens();
	resetTokenState();
	expect((await run(RT, getInfo)).error).toBeUndefined();
	expect(sim.refreshRequests().map((request) => (request.body as IDataObject).refresh_token)).toEqual([first, data.rotatedRefreshToken]);
});
