/** Test helper: the spellings a secret may take in a hostile answer (used by unit and integration tests). */

/** Every encoding a secret may travel in; each must be caught alone and embedded in longer text. */
export function encodings(secret: string, key = 'key-4711'): Record<string, string> {
	const unicodeEscapeAll = secret
		.split('')
		.map((c) => (/[A-Za-z0-9]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
		.join('');
	return {
		raw: secret,
		url: encodeURIComponent(secret),
		urlLowerHex: encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
		form: new URLSearchParams({ v: secret }).toString().slice(2),
		json: JSON.stringify(secret).slice(1, -1),
		jsonSlash: JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
		jsonUnicode: unicodeEscapeAll,
		jsonUnicodeUpper: unicodeEscapeAll.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`),
		htmlNamed: secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
		htmlDecimal: [...secret].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `&#${c.codePointAt(0)};`)).join(''),
		htmlHex: [...secret].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `&#x${(c.codePointAt(0) ?? 0).toString(16)};`)).join(''),
		base64: Buffer.from(secret).toString('base64'),
		base64url: Buffer.from(secret).toString('base64url'),
		base64Offset1: Buffer.from(`a${secret}zz`).toString('base64'),
		base64Offset2: Buffer.from(`ab${secret}z`).toString('base64'),
		base64urlOffset1: Buffer.from(`{${secret}}`).toString('base64url'),
		basicPair: Buffer.from(`${key}:${secret}`).toString('base64'),
		basicPairUrlEncoded: encodeURIComponent(Buffer.from(`${key}:${secret}`).toString('base64')),
		bearerHeaderJson: JSON.stringify({ authorization: `Bearer ${secret}` }),
	};
}

export const HOSTILE_SECRETS = [
	'sk_live_9f8e7d6c5b4a3210',
	'p@ss word/with+plus&amp"quote\'<tag>',
	'ünïcødé-sécret-€-🔑-value',
	'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
];
