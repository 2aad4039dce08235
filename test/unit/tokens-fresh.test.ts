import { NodeApiError } from 'n8n-workflow';

import { obtainToken, resetTokenState } from '../../nodes/shared/tokens';

/** A provider that refuses every token: n8n calls preAuthentication after each 401 with the token it held. */
describe('obtainToken when the provider refuses fresh tokens', () => {
	beforeEach(() => resetTokenState());

	it('mints twice, hands the replacement back once, then stops with a clear error', async () => {
		let minted = 0;
		const mint = async () => ({ accessToken: `t${++minted}`, accessTokenExpiresAt: '', extra: {}, mintedAt: Date.now() });
		let held = '';
		const outcomes: string[] = [];
		for (let item = 0; item < 20; item++) {
			try {
				held = (await obtainToken('k', held, mint)).accessToken;
				outcomes.push(held);
			} catch (error) {
				expect(error).toBeInstanceOf(NodeApiError);
				outcomes.push((error as Error).message);
			}
		}
		expect(minted).toBe(2);
		expect(outcomes.slice(0, 3)).toEqual(['t1', 't2', 't2']);
		expect(outcomes[3]).toMatch(/refuses freshly issued tokens/);
		expect(new Set(outcomes.slice(3)).size).toBe(1);
	});

	it('still replaces a token that is not fresh', async () => {
		let minted = 0;
		const mint = async () => ({ accessToken: `t${++minted}`, accessTokenExpiresAt: '', extra: {}, mintedAt: Date.now() - 120_000 });
		let held = '';
		for (let item = 0; item < 5; item++) held = (await obtainToken('k', held, mint)).accessToken;
		expect(minted).toBe(5);
	});
});
