import type { IAdditionalCredentialOptions, ICredentialDataDecryptedObject } from 'n8n-workflow';

import { forcedRenewal, peekToken, rememberToken, singleFlight } from './tokens';
import type { CachedToken } from './tokens';

/**
 * Renewal ahead of expiry, for token credentials whose provider renews a token only while it is
 * still valid (Inbenta's /refreshToken; any "refresh with the current token" scheme).
 *
 * n8n runs preAuthentication only when the token field is empty or after a 401, and tokens.ts
 * counts a token as expired a fixed 60 s early. A provider that must be asked *before* expiry, with
 * tokens that may live only a minute, needs a plan per request instead:
 * - `use` the token while it is before its renewal time;
 * - `renew` it between its renewal time and its expiry (the node hands n8n-core a copy of the
 *   credential with the token field emptied and the token to renew in `renewField`, so n8n runs
 *   preAuthentication, which calls `renewToken`);
 * - `reauth` once it has expired (same copy, nothing to renew: the credential authenticates again).
 * The renewal time is `aheadSeconds` before expiry (Inbenta's connectors: 180 s), but never more than
 * a quarter of the token's life, so a short-lived token is still used for most of its life.
 */

export interface PlannedToken {
	accessToken: string;
	/** ISO expiry; empty when unknown (then the token is used until a 401). */
	expiresAt: string;
	/** ISO time from which the token should be renewed; empty when unknown. */
	renewAt: string;
}

export type RenewalPlan = 'none' | 'use' | 'renew' | 'reauth';

/** Time before expiry within which a token is not sent any more (it could die on the way). */
export const LAST_USE_MS = 500;

/** The renewal time of a token that expires at `expiresAt` and was issued `now`. */
export function renewAtFor(expiresAt: string, aheadSeconds: number, now: number = Date.now()): string {
	const expiry = Date.parse(expiresAt);
	if (Number.isNaN(expiry)) return '';
	const life = Math.max(0, expiry - now);
	return new Date(expiry - Math.min(aheadSeconds * 1000, life / 4)).toISOString();
}

export function renewalPlan(token: PlannedToken | undefined, now: number = Date.now()): RenewalPlan {
	if (!token || token.accessToken === '') return 'none';
	const expiry = Date.parse(token.expiresAt);
	if (!Number.isNaN(expiry) && expiry - LAST_USE_MS <= now) return 'reauth';
	const renewAt = Date.parse(token.renewAt);
	if (!Number.isNaN(renewAt) && renewAt <= now) return 'renew';
	return 'use';
}

/** The later-expiring of two tokens (a token without known expiry loses to one with it). */
export function newerToken(a: PlannedToken | undefined, b: PlannedToken | undefined): PlannedToken | undefined {
	if (!a || a.accessToken === '') return b?.accessToken ? b : undefined;
	if (!b || b.accessToken === '') return a;
	const expiryA = Date.parse(a.expiresAt);
	const expiryB = Date.parse(b.expiresAt);
	if (Number.isNaN(expiryB)) return a;
	if (Number.isNaN(expiryA)) return b;
	return expiryB > expiryA ? b : a;
}

/** A token of the process cache as a PlannedToken (`renewAt` kept in `extra.renewAt`). */
export function plannedOf(token: CachedToken | undefined): PlannedToken | undefined {
	if (!token) return undefined;
	return { accessToken: token.accessToken, expiresAt: token.accessTokenExpiresAt, renewAt: token.extra.renewAt ?? '' };
}

/**
 * For a node: the credential copy that makes n8n-core run preAuthentication before the next
 * request (`renew`: with the token to renew in `renewField`; `reauth`: without), or undefined when
 * the token can be used as it is (or the node has no stored credential to update).
 */
export function renewalOptions(
	plan: RenewalPlan,
	token: PlannedToken | undefined,
	credentials: ICredentialDataDecryptedObject,
	reference: { id?: string | null; name: string } | undefined,
	credentialType: string,
	fields: { token: string; renewField: string },
): IAdditionalCredentialOptions | undefined {
	if (plan !== 'renew' && plan !== 'reauth') return undefined;
	const toRenew = plan === 'renew' ? (token?.accessToken ?? '') : '';
	return forcedRenewal({ ...credentials, [fields.renewField]: toRenew }, reference, credentialType, fields.token);
}

/**
 * The preAuthentication side of a planned renewal: renews `held` once per process at a time. If a
 * sibling execution already replaced it with a token that is not due for renewal, that one is
 * returned and nothing is requested. Shares the single-flight key with `obtainToken`, so a renewal
 * and a re-authentication after a 401 never run side by side.
 */
export async function renewToken(
	key: string,
	held: string,
	renew: () => Promise<CachedToken>,
	now: () => number = Date.now,
): Promise<CachedToken> {
	const siblings = () => {
		const current = peekToken(key);
		return current && current.accessToken !== held && renewalPlan(plannedOf(current), now()) === 'use' ? current : undefined;
	};
	const early = siblings();
	if (early) return early;
	return await singleFlight(key, async () => {
		const again = siblings();
		if (again) return again;
		const renewed = await renew();
		rememberToken(key, renewed);
		return renewed;
	});
}
