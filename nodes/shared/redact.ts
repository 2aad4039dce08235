import { isObject } from './failures';

/**
 * Keeps credential secrets out of everything a user or a log sees: error messages, descriptions,
 * context data and output. Values are matched in the encodings they travel in on the wire.
 */


const SECRET_KEY_PATTERN =
	/(secret|token|password|passwd|authorization|api[_-]?key|apikey|bearer|client[_-]?id|cookie|session)/i;
const MIN_SECRET_LENGTH = 4;
export const REDACTED = '[redacted]';

/** Derived forms a secret may take on the wire: URL-encoded, and HTTP Basic pairs base64-encoded. */
export function secretForms(secrets: readonly unknown[], basicPairs: Array<[unknown, unknown]> = []): string[] {
	const forms = new Set<string>();
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
		forms.add(secret);
		forms.add(encodeURIComponent(secret));
	}
	for (const [user, pass] of basicPairs) {
		if (typeof user !== 'string' || typeof pass !== 'string' || !user || !pass) continue;
		forms.add(Buffer.from(`${user}:${pass}`).toString('base64'));
	}
	// Longest first, so a secret that contains another is removed whole.
	return [...forms].sort((a, b) => b.length - a.length);
}

export function redactText(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
	}
	// Whatever else looks like a credential on the wire.
	return out
		.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`)
		.replace(/([?&](?:access_token|refresh_token|api_key|apikey|secret|token)=)[^&\s"']+/gi, `$1${REDACTED}`);
}

/** Deep copy of a JSON-ish value with secret values and secret-looking keys blanked. */
export function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
	if (depth > 8) return '[truncated]';
	if (typeof value === 'string') return redactText(value, secrets);
	if (Array.isArray(value)) return value.slice(0, 50).map((entry) => redactValue(entry, secrets, depth + 1));
	if (isObject(value)) {
		const out: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) {
			out[key] =
				SECRET_KEY_PATTERN.test(key) && (typeof entry === 'string' || typeof entry === 'number')
					? REDACTED
					: redactValue(entry, secrets, depth + 1);
		}
		return out;
	}
	return value;
}

