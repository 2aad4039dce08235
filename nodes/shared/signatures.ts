import { createHmac, timingSafeEqual } from 'crypto';

/**
 * Signed webhook deliveries, for every provider that signs its callbacks with an HMAC of the raw
 * body (HubRise: `X-HubRise-Hmac-SHA256`, hex SHA-256 keyed with the OAuth client secret). The check
 * runs on the bytes as they arrived, compares in constant time, and says why it failed without
 * quoting the secret or the expected value.
 */

export interface SignatureCheck {
	/** The raw request body, exactly as received. */
	rawBody: Buffer | string | undefined;
	/** The signature header as received (undefined when absent). */
	signature: string | string[] | undefined;
	secret: string;
	algorithm?: 'sha256' | 'sha1' | 'sha512';
	encoding?: 'hex' | 'base64';
	/** A prefix the provider puts before the digest (e.g. "sha256="); none by default. */
	prefix?: string;
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: 'missing signature' | 'no raw body' | 'no secret' | 'signature mismatch' };

/** The signature a provider would send for `rawBody` (for simulators and tests, and the check below). */
export function hmacSignature(rawBody: Buffer | string, secret: string, algorithm: SignatureCheck['algorithm'] = 'sha256', encoding: SignatureCheck['encoding'] = 'hex'): string {
	return createHmac(algorithm, secret).update(rawBody).digest(encoding);
}

/** Checks a delivery's HMAC signature in constant time. */
export function verifyHmacSignature(check: SignatureCheck): SignatureVerdict {
	const header = Array.isArray(check.signature) ? check.signature[0] : check.signature;
	if (typeof header !== 'string' || header.trim() === '') return { ok: false, reason: 'missing signature' };
	if (check.secret === '') return { ok: false, reason: 'no secret' };
	if (check.rawBody === undefined) return { ok: false, reason: 'no raw body' };
	const encoding = check.encoding ?? 'hex';
	let given = header.trim();
	const prefix = check.prefix ?? '';
	if (prefix !== '') {
		if (!given.startsWith(prefix)) return { ok: false, reason: 'signature mismatch' };
		given = given.slice(prefix.length);
	}
	const expected = Buffer.from(hmacSignature(check.rawBody, check.secret, check.algorithm ?? 'sha256', encoding), 'utf8');
	// Hex is case-insensitive; base64 is not.
	const received = Buffer.from(encoding === 'hex' ? given.toLowerCase() : given, 'utf8');
	// timingSafeEqual needs equal lengths; comparing against itself keeps the time independent of where a mismatch is.
	const same = received.length === expected.length ? timingSafeEqual(received, expected) : (timingSafeEqual(expected, expected), false);
	return same ? { ok: true } : { ok: false, reason: 'signature mismatch' };
}
