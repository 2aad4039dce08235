import type { IDataObject } from 'n8n-workflow';

import { FIC_KEEP_ALIVE_FACTS } from '../../../nodes/FattureInCloud/auth';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { json, leaksIn, rig, run, sim } from './setup';
import type { Auth } from './setup';

/**
 * Connection → Keep Connection Alive with Fatture in Cloud, through n8n-core against the simulator and
 * its clock. A refresh token dies one year after its last use: a yearly job alone finds its credential
 * dead; with the quarterly keep-alive it works after two simulated years. The device-code and
 * refresh-token credentials renew through their own preAuthentication (forced by the keep-alive), the
 * OAuth2 one through n8n's refresh. No token in any output or saved run.
 */

const DAY = 24 * 3600;
const keepAlive = async (auth: Auth) => await run(auth, { resource: 'connection', operation: 'keepAlive' });
const job = async (auth: Auth) => await run(auth, { resource: 'user', operation: 'getInfo' });
const storedRefreshToken = (auth: Auth) => {
	const data = rig.harness.store.read(auth) as IDataObject;
	return String(auth === 'fattureInCloudOAuth2Api' ? (data.oauthTokenData as IDataObject).refresh_token : data.refreshToken);
};

describe.each(['fattureInCloudRefreshTokenApi', 'fattureInCloudDeviceCodeApi', 'fattureInCloudOAuth2Api'] as Auth[])('%s', (auth) => {
	it('a quarterly keep-alive carries a yearly job through two simulated years; each run renews once', async () => {
		const log: string[] = [];
		for (let day = 0; day <= 730; day += 1) {
			if (day % FIC_KEEP_ALIVE_FACTS.renewEveryDays === 0) {
				resetTokenState(); // weeks apart: nothing cached in the process
				sim.server.clearLog();
				const before = storedRefreshToken(auth);
				const { items, error } = await keepAlive(auth);
				expect(error?.message).toBeUndefined();
				expect(json(items)).toEqual([expect.objectContaining({ connection: 'ok', renewed: 'renewed' })]);
				expect(leaksIn({ items, error } as never)).toEqual([]);
				expect(sim.refreshRequests()).toHaveLength(1);
				expect(storedRefreshToken(auth)).not.toBe(before);
				log.push(`${day}:keep-alive`);
			}
			if (day % 365 === 0) {
				resetTokenState();
				const { error } = await job(auth);
				expect(error?.message).toBeUndefined();
				log.push(`${day}:job`);
			}
			if (day < 730) sim.advance(DAY);
		}
		expect(log).toEqual(expect.arrayContaining(['0:job', '720:keep-alive', '730:job']));
		expect(sim.refreshTokens.get(storedRefreshToken(auth))?.live).toBe(true);
	});

	it('without the keep-alive the credential dies after a year of disuse', async () => {
		expect((await job(auth)).error).toBeUndefined();
		sim.advance(366 * DAY);
		sim.expireAccessTokens();
		resetTokenState();
		const { error } = await job(auth);
		expect(error?.message).toMatch(/^Fatture in Cloud: the (refresh token was refused|device login has expired or was revoked|OAuth2 connection has expired or was revoked); reconnect the credential/);
		expect(error?.description).toMatch(/unused for a year|refresh token has expired/);
	});

	it('outputs when the refresh token expires and the next renewal is due, and no token anywhere in the saved run', async () => {
		const started = Date.now();
		const result = await keepAlive(auth);
		expect(result.error).toBeUndefined();
		const [out] = json(result.items);
		expect(out).toMatchObject({ connection: 'ok', renewed: 'renewed' });
		const renewed = Date.parse(String(out.renewedAt));
		expect(renewed).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000 - 1000);
		expect(Date.parse(String(out.refreshTokenExpiresAt)) - renewed).toBe(365 * DAY * 1000);
		expect(Date.parse(String(out.nextRenewalDue)) - renewed).toBe(90 * DAY * 1000);
		expect(leaksIn(result)).toEqual([]);
	});
});

it('the manual token never expires: the keep-alive says there is nothing to keep alive and calls nothing', async () => {
	sim.server.clearLog();
	const { items, error } = await keepAlive('fattureInCloudApi');
	expect(error).toBeUndefined();
	expect(json(items)).toEqual([expect.objectContaining({ connection: 'ok', renewed: false })]);
	expect(sim.server.requests).toHaveLength(0);
});
