import { createHash } from 'crypto';

/**
 * Token bookkeeping for credentials that exchange a key and secret for a short-lived token in
 * `preAuthentication` (fiskaly, Inbenta, Fatture in Cloud device/refresh modes).
 *
 * n8n itself re-runs preAuthentication only when the token field is empty or a request got 401,
 * never looks at an expiry time, and has no lock: eight executions that hit an expired token mint
 * eight tokens. Within one n8n process this module makes them mint one (single-flight), lets an
 * execution that still holds an old token pick up the one a sibling minted a moment ago, and keeps
 * the expiry arithmetic in one place.
 */

export interface CachedToken {
	accessToken: string;
	/** ISO time after which the access token is no longer accepted; empty when unknown. */
	accessTokenExpiresAt: string;
	/** Anything else the credential wants to persist with the token (refresh token, URLs). */
	extra: Record<string, string>;
	/** When this process minted it (ms since epoch). */
	mintedAt: number;
}

/** Seconds of margin: a token this close to its expiry counts as expired, so it is not sent. */
export const EXPIRY_SKEW_SECONDS = 60;

/** ISO expiry from "expires in N seconds", or from an absolute time in seconds or ISO. */
export function expiresAt(
	token: { expiresIn?: unknown; expiresAt?: unknown },
	now: number = Date.now(),
): string {
	const absolute = token.expiresAt;
	if (typeof absolute === 'number' && absolute > 0) {
		return new Date(absolute > 1e12 ? absolute : absolute * 1000).toISOString();
	}
	if (typeof absolute === 'string' && absolute !== '') {
		const asNumber = Number(absolute);
		if (Number.isFinite(asNumber) && asNumber > 0) return expiresAt({ expiresAt: asNumber }, now);
		const parsed = Date.parse(absolute);
		if (!Number.isNaN(parsed)) return new Date(parsed).toISOString();
	}
	const seconds = Number(token.expiresIn);
	if (Number.isFinite(seconds) && seconds > 0) return new Date(now + seconds * 1000).toISOString();
	return '';
}

/** True when the time has passed (less the skew). An unknown expiry is never "known expired". */
export function isExpired(
	expiry: unknown,
	now: number = Date.now(),
	skewSeconds: number = EXPIRY_SKEW_SECONDS,
): boolean {
	if (typeof expiry !== 'string' || expiry === '') return false;
	const time = Date.parse(expiry);
	if (Number.isNaN(time)) return false;
	return time - skewSeconds * 1000 <= now;
}

/**
 * A stable, non-reversible key for "the same credential": a hash over what identifies the account
 * (type, host, key id). Secrets may be part of it; only the hash is kept.
 */
export function credentialKey(...parts: unknown[]): string {
	const hash = createHash('sha256');
	for (const part of parts) hash.update(`${typeof part === 'string' ? part : JSON.stringify(part ?? '')}\u0000`);
	return hash.digest('hex').slice(0, 32);
}

const inFlight = new Map<string, Promise<unknown>>();

/** Runs `work` once per key at a time; callers that arrive while it runs share its result. */
export async function singleFlight<T>(key: string, work: () => Promise<T>): Promise<T> {
	const running = inFlight.get(key);
	if (running) return (await running) as T;
	const promise = (async () => {
		try {
			return await work();
		} finally {
			inFlight.delete(key);
		}
	})();
	inFlight.set(key, promise);
	return await promise;
}

const MAX_CACHED_CREDENTIALS = 1000;
const cache = new Map<string, CachedToken>();

/** The newest token this process holds for the credential, if it is still usable. */
export function cachedToken(key: string, now: number = Date.now()): CachedToken | undefined {
	const token = cache.get(key);
	if (!token || isExpired(token.accessTokenExpiresAt, now)) return undefined;
	return token;
}

export function rememberToken(key: string, token: CachedToken): void {
	// Bounded: one entry per credential, oldest evicted first should an instance hold very many.
	if (!cache.has(key) && cache.size >= MAX_CACHED_CREDENTIALS) {
		const oldest = cache.keys().next().value;
		if (oldest !== undefined) cache.delete(oldest);
	}
	cache.delete(key);
	cache.set(key, token);
}

export function forgetToken(key: string): void {
	cache.delete(key);
}

/**
 * The heart of a preAuthentication: returns a usable token for the credential, minting at most one
 * per process at a time.
 *
 * `heldToken` is the token the caller's execution was using (empty on first use, or the one that
 * just got 401). If a sibling execution already minted a different, unexpired token, that one is
 * returned and nothing is minted. Otherwise `mint` runs once, however many callers wait.
 */
export async function obtainToken(
	key: string,
	heldToken: string,
	mint: () => Promise<CachedToken>,
	now: () => number = Date.now,
): Promise<CachedToken> {
	const fresher = cachedToken(key, now());
	if (fresher && fresher.accessToken !== heldToken) return fresher;
	return await singleFlight(key, async () => {
		// Another caller may have finished minting between our check and taking the flight.
		const again = cachedToken(key, now());
		if (again && again.accessToken !== heldToken) return again;
		const minted = await mint();
		rememberToken(key, minted);
		return minted;
	});
}

/** For tests and benchmarks that need a clean process state. */
export function resetTokenState(): void {
	cache.clear();
	inFlight.clear();
}
