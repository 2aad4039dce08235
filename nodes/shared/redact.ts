import { isObject } from './failures';

/**
 * Keeps credential secrets out of everything a user or a log sees: error messages, descriptions,
 * context data and output. A secret is matched in every common encoding it may travel in, and in
 * any mix of them: raw, URL-encoded (`%xx`, `+` for space), JSON-escaped (`\"`, `\/`, `\u00xx`),
 * HTML-escaped (`&amp;`, `&#38;`, `&#x26;`), and base64 / base64url at each of the three byte
 * alignments it can have inside a longer encoded string (so `base64(key:secret)` and the base64 of
 * the secret alone are caught too).
 */

const SECRET_KEY_PATTERN =
	/(secret|token|password|passwd|authorization|api[_-]?key|apikey|bearer|client[_-]?id|cookie|session)/i;
/** Keys that match the pattern above but hold no secret (expiry times, token types, URLs). */
const NOT_SECRET_KEY_PATTERN = /(expire|_at$|At$|url|uri|type|scope|date|time)/i;
const MIN_SECRET_LENGTH = 4;
/** Shorter base64 fragments would match ordinary text; secrets that short are caught raw only. */
const MIN_BASE64_FORM_LENGTH = 8;
export const REDACTED = '[redacted]';

/** True for a credential or body key whose value is a secret (apiSecret, access_token, ...). */
export function isSecretKey(key: string): boolean {
	return SECRET_KEY_PATTERN.test(key) && !NOT_SECRET_KEY_PATTERN.test(key);
}

/**
 * The base64 fragments that appear wherever `secret` is encoded inside a longer base64 string:
 * one per byte alignment (offset 0, 1, 2 modulo 3), only the characters that depend on the secret's
 * bytes alone. Also in the URL-safe alphabet.
 */
export function base64Fragments(secret: string): string[] {
	const bytes = Buffer.from(secret, 'utf8');
	const fragments = new Set<string>();
	for (let offset = 0; offset < 3; offset++) {
		const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
		const fragment = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
		if (fragment.length < MIN_BASE64_FORM_LENGTH) continue;
		fragments.add(fragment);
		fragments.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
	}
	return [...fragments];
}

/** Derived forms a secret may take besides the ones the matcher spells per character. */
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

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
/** A hex number matched in either case: "2f" -> "[2][fF]". */
const hexPattern = (value: number, width = 0) =>
	value
		.toString(16)
		.padStart(width, '0')
		.split('')
		.map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit))
		.join('');

const HTML_NAMED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const JSON_SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** Every spelling of one character: raw, %xx (UTF-8 bytes), + for space, JSON and HTML escapes. */
function characterPattern(char: string): string {
	const code = char.codePointAt(0) ?? 0;
	const alternatives = [escapeRegex(char)];
	alternatives.push(
		[...Buffer.from(char, 'utf8')].map((byte) => `%${hexPattern(byte, 2)}`).join(''),
		char
			.split('')
			.map((unit) => `\\\\[uU]${hexPattern(unit.charCodeAt(0), 4)}`)
			.join(''),
		`&#0*${code};`,
		`&#[xX]0*${hexPattern(code)};`,
	);
	if (char === ' ') alternatives.push('\\+');
	if (HTML_NAMED[char]) alternatives.push(HTML_NAMED[char]);
	if (char === "'") alternatives.push('&#39;');
	if (JSON_SHORT[char]) alternatives.push(escapeRegex(JSON_SHORT[char]));
	return `(?:${alternatives.join('|')})`;
}

function formPattern(form: string): string {
	return [...form].map(characterPattern).join('');
}

export interface SecretMatcher {
	/** True when the text holds any secret in any encoding. */
	test(text: string): boolean;
	/** The text with every secret, in every encoding, replaced by REDACTED. */
	redact(text: string): string;
}

const NO_SECRETS: SecretMatcher = { test: () => false, redact: (text) => text };
const matcherCache = new Map<string, SecretMatcher>();
const MAX_CACHED_MATCHERS = 64;

/** One escape of any kind: %xx, \uXXXX, a JSON short escape, an HTML entity. */
const ESCAPE = /%([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\(["\\/bfnrt])|&#0*([0-9]{1,7});|&#[xX]0*([0-9a-fA-F]{1,6});|&(amp|lt|gt|quot|apos);/g;
const JSON_UNESCAPE: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const HTML_UNESCAPE: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The text with every escape decoded (percent-escapes to their byte as a Latin-1 character), and the
 * same with "+" read as a space: where a secret is spelt with escapes, its plain form shows here.
 */
function decodedViews(text: string): string[] {
	if (!/[%\\&+]/.test(text)) return [text];
	const decode = (source: string) => source.replace(ESCAPE, (_, pct?: string, unicode?: string, short?: string, dec?: string, hex?: string, named?: string) => {
		if (pct) return String.fromCharCode(parseInt(pct, 16));
		if (unicode) return String.fromCharCode(parseInt(unicode, 16));
		if (short) return JSON_UNESCAPE[short];
		const code = dec ? Number(dec) : hex ? parseInt(hex, 16) : -1;
		if (code >= 0) return code <= 0x10ffff ? String.fromCodePoint(code) : '';
		return HTML_UNESCAPE[named ?? ''] ?? '';
	});
	return [text, decode(text), decode(text.replace(/\+/g, ' '))];
}

/** The matcher for a set of secrets (cached: the same set is seen on every request of a run). */
export function secretMatcher(secrets: readonly unknown[]): SecretMatcher {
	const unique = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))];
	if (unique.length === 0) return NO_SECRETS;
	const cacheKey = unique.sort().join('\u0000');
	const cached = matcherCache.get(cacheKey);
	if (cached) return cached;
	const forms = new Set<string>();
	for (const secret of unique) {
		forms.add(secret);
		for (const fragment of base64Fragments(secret)) forms.add(fragment);
	}
	// What the decoded views may show: each form, and its UTF-8 bytes as Latin-1 (percent-decoded).
	const literals = new Set<string>();
	for (const form of forms) {
		literals.add(form);
		literals.add(Buffer.from(form, 'utf8').toString('latin1'));
	}
	// Longest first, so a secret that contains another is removed whole.
	const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(formPattern).join('|'), 'g');
	// Cheap check first: plain substring search in the decoded views, no regex over the text.
	const test = (text: string) => decodedViews(text).some((view) => [...literals].some((literal) => view.includes(literal)));
	const matcher: SecretMatcher = {
		test,
		redact: (text) => {
			if (!test(text)) return text;
			pattern.lastIndex = 0;
			const out = text.replace(pattern, REDACTED);
			// A spelling the pattern does not know (escapes nested in escapes): nothing of it is kept.
			return test(out) ? REDACTED : out;
		},
	};
	if (matcherCache.size >= MAX_CACHED_MATCHERS) matcherCache.delete(matcherCache.keys().next().value as string);
	matcherCache.set(cacheKey, matcher);
	return matcher;
}

export function redactText(text: string, secrets: readonly string[]): string {
	const out = secretMatcher(secrets).redact(text);
	// Whatever else looks like a credential on the wire.
	return out
		.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`)
		.replace(/([?&](?:access_token|refresh_token|api_key|apikey|secret|token)=)[^&\s"']+/gi, `$1${REDACTED}`);
}

/**
 * A key of a redacted object: secrets used as keys are replaced too; a second key that redacts to
 * the same text gets a number, so no entry is lost.
 */
function redactedKey(key: string, redact: (text: string) => string, taken: Record<string, unknown>): string {
	const clean = redact(key);
	if (clean === key || !(clean in taken)) return clean;
	let index = 2;
	while (`${clean}#${index}` in taken) index++;
	return `${clean}#${index}`;
}

/**
 * Deep copy of a JSON-ish value with secret values and secret-looking keys blanked, for error
 * context (bounded: an error carries a summary, not the whole body).
 */
export function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
	if (depth > 8) return '[truncated]';
	if (typeof value === 'string') return redactText(value, secrets);
	if (Array.isArray(value)) return value.slice(0, 50).map((entry) => redactValue(entry, secrets, depth + 1));
	if (isObject(value)) {
		const out: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) {
			out[redactedKey(key, (text) => redactText(text, secrets), out)] =
				SECRET_KEY_PATTERN.test(key) && (typeof entry === 'string' || typeof entry === 'number')
					? REDACTED
					: redactValue(entry, secrets, depth + 1);
		}
		return out;
	}
	return value;
}

function redactDeepWith(value: unknown, matcher: SecretMatcher): unknown {
	if (typeof value === 'string') return matcher.redact(value);
	if (Array.isArray(value)) return value.map((entry) => redactDeepWith(entry, matcher));
	if (isObject(value)) {
		const out: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) {
			out[redactedKey(key, matcher.redact, out)] = redactDeepWith(entry, matcher);
		}
		return out;
	}
	return value;
}

/**
 * A successful answer with every secret (values and keys, any depth, any encoding) replaced; the
 * value itself, untouched and uncopied, when it holds none. The check is one pass of the matcher
 * over the serialized value; the deep copy is made only on a hit. Nothing is truncated.
 */
export function redactOutput<T>(value: T, secrets: readonly unknown[]): T {
	const matcher = secretMatcher(secrets);
	if (matcher === NO_SECRETS || value === null || value === undefined) return value;
	const serialized = typeof value === 'string' ? value : JSON.stringify(value);
	if (serialized === undefined || !matcher.test(serialized)) return value;
	return redactDeepWith(value, matcher) as T;
}

/** The secret values a credential holds (its fields and nested token data, by key), any depth. */
export function secretValuesOf(data: unknown, depth = 0): string[] {
	if (!isObject(data) || depth > 4) return [];
	const found: string[] = [];
	for (const [key, value] of Object.entries(data)) {
		if (typeof value === 'string' && isSecretKey(key)) found.push(value);
		else if (isObject(value)) found.push(...secretValuesOf(value, depth + 1));
	}
	return found;
}

// --- Secrets minted during the run ----------------------------------------------------------------

/**
 * Tokens this process obtained (nodes/shared/tokens.ts reports each one it mints), so they are
 * redacted by value even before the credential store shows them. Bounded, oldest forgotten first.
 */
const MAX_REMEMBERED = 256;
const remembered = new Set<string>();

export function rememberSecrets(values: readonly unknown[]): void {
	for (const value of values) {
		if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
		remembered.delete(value);
		remembered.add(value);
		if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.values().next().value as string);
	}
}

export function rememberedSecrets(): string[] {
	return [...remembered];
}

export function forgetRememberedSecrets(): void {
	remembered.clear();
}
