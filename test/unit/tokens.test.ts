import { cachedToken, credentialKey, expiresAt, isExpired, obtainToken, rememberToken, resetTokenState, singleFlight } from '../../nodes/shared/tokens';
import type { CachedToken } from '../../nodes/shared/tokens';

const token = (accessToken: string, expiry = new Date(Date.now() + 3600_000).toISOString()): CachedToken => ({
	accessToken,
	accessTokenExpiresAt: expiry,
	extra: {},
	mintedAt: Date.now(),
});

beforeEach(() => resetTokenState());

describe('expiry bookkeeping', () => {
	const now = Date.parse('2026-11-22T10:00:00Z');
	it('computes expiry from expires_in', () => expect(expiresAt({ expiresIn: 86400 }, now)).toBe('2026-11-23T10:00:00.000Z'));
	it('takes absolute epoch seconds, milliseconds and ISO', () => {
		expect(expiresAt({ expiresAt: now / 1000 }, now)).toBe('2026-11-22T10:00:00.000Z');
		expect(expiresAt({ expiresAt: now }, now)).toBe('2026-11-22T10:00:00.000Z');
		expect(expiresAt({ expiresAt: '2026-11-23T00:00:00Z' }, now)).toBe('2026-11-23T00:00:00.000Z');
	});
	it('returns empty for unknown', () => expect(expiresAt({}, now)).toBe(''));
	it('counts a token inside the skew as expired, unknown as not', () => {
		expect(isExpired('2026-11-22T10:00:30Z', now)).toBe(true);
		expect(isExpired('2026-11-22T10:05:00Z', now)).toBe(false);
		expect(isExpired('', now)).toBe(false);
	});
	it('keys credentials without exposing them', () => {
		const key = credentialKey('fiskalyApi', 'https://x', 'secret-value');
		expect(key).toHaveLength(32);
		expect(key).not.toContain('secret');
		expect(credentialKey('a', 'b')).not.toBe(credentialKey('a', 'c'));
	});
});

describe('singleFlight and obtainToken', () => {
	it('runs concurrent work once', async () => {
		let runs = 0;
		const work = async () => {
			runs++;
			await new Promise((resolve) => setTimeout(resolve, 20));
			return runs;
		};
		const results = await Promise.all(Array.from({ length: 8 }, () => singleFlight('k', work)));
		expect(runs).toBe(1);
		expect(new Set(results).size).toBe(1);
	});

	it('eight callers on the same stale token mint one token', async () => {
		let minted = 0;
		const mint = async () => {
			minted++;
			await new Promise((resolve) => setTimeout(resolve, 20));
			return token(`fresh-${minted}`);
		};
		const results = await Promise.all(Array.from({ length: 8 }, () => obtainToken('cred', 'stale', mint)));
		expect(minted).toBe(1);
		expect(results.every((result) => result.accessToken === 'fresh-1')).toBe(true);
	});

	it('a caller still holding an old token gets the sibling’s newer one without minting', async () => {
		rememberToken('cred', token('newer'));
		let minted = 0;
		const result = await obtainToken('cred', 'older', async () => {
			minted++;
			return token('unneeded');
		});
		expect(result.accessToken).toBe('newer');
		expect(minted).toBe(0);
	});

	it('mints when the cached token is the one that was just rejected', async () => {
		rememberToken('cred', token('rejected'));
		const result = await obtainToken('cred', 'rejected', async () => token('replacement'));
		expect(result.accessToken).toBe('replacement');
		expect(cachedToken('cred')?.accessToken).toBe('replacement');
	});

	it('does not reuse an expired cached token', async () => {
		rememberToken('cred', token('old', new Date(Date.now() - 1000).toISOString()));
		const result = await obtainToken('cred', '', async () => token('new'));
		expect(result.accessToken).toBe('new');
	});

	it('lets the next caller try again after a failed mint', async () => {
		await expect(obtainToken('cred', '', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
		await expect(obtainToken('cred', '', async () => token('ok'))).resolves.toMatchObject({ accessToken: 'ok' });
	});
});
