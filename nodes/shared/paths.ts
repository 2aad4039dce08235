/**
 * Path rules for every authenticated call: a path typed by a user (Custom API Call) or an id put
 * into a path must never climb out of the provider's API prefix. URL parsers, proxies and servers
 * read dot segments in many spellings (`..`, `.%2e`, `%2E%2e`, `%252e%252e` decoded twice,
 * `..;jsessionid`, `..%5c`, `.. ` with trailing dots or blanks, overlong UTF-8, full-width dots);
 * each of them is refused here, before a request is built.
 */

/** How many rounds of percent-decoding are undone; deeper nesting is refused outright. */
const MAX_DECODE_ROUNDS = 4;

/** Characters some servers fold to "." (NFKC does most of this; kept explicit for clarity). */
const DOT_LOOKALIKES = /[\u2024\uFE52\uFF0E]/g;

/** One round of lenient percent-decoding: %XX runs (UTF-8 or raw bytes), %uXXXX, overlong dots. */
function decodeOnce(text: string): string {
	return text
		.replace(/%c0%ae|%e0%80%ae|%c0%2e/gi, '.')
		.replace(/%u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
		.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
			try {
				return decodeURIComponent(run);
			} catch {
				return run.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
			}
		});
}

/** What a server could end up reading, after every layer of decoding; undefined when nested deeper than we undo. */
function fullyDecoded(text: string): string | undefined {
	let current = text;
	for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
		const next = decodeOnce(current);
		if (next === current) return current.normalize('NFKC').replace(DOT_LOOKALIKES, '.');
		current = next;
	}
	return decodeOnce(current) === current ? current.normalize('NFKC').replace(DOT_LOOKALIKES, '.') : undefined;
}

/** A piece made only of dots (and blanks or control characters, which some servers drop), once path parameters (`;...`) are cut off. */
function isDotPiece(piece: string): boolean {
	const bare = piece.split(';')[0].replace(/[\s\u0000-\u001f\u007f]/g, '');
	return /^\.+$/.test(bare);
}

/**
 * Why a raw path segment (as it will be sent, before the server decodes it) is refused, or
 * undefined when it is a plain segment. Decoded slashes and backslashes split it further: `..%2f`
 * is refused, because a server that decodes before routing reads it as `../`.
 */
export function segmentProblem(segment: string): string | undefined {
	const decoded = fullyDecoded(segment);
	if (decoded === undefined) return 'it is percent-encoded more than 4 times over';
	if (/[\u0000-\u001f\u007f]/.test(decoded)) return 'it contains a control character';
	if (decoded.split(/[/\\]/).some(isDotPiece)) return 'it is a "." or ".." segment in some spelling or encoding';
	return undefined;
}

/**
 * Why a path (as typed, under the base URL) is refused, or undefined when every segment is plain.
 * An empty segment in the middle (`/a//b`) is allowed; a trailing slash too.
 */
export function pathProblem(path: string): string | undefined {
	for (const segment of path.split('/')) {
		if (segment === '') continue;
		const problem = segmentProblem(segment);
		if (problem) return `segment "${segment.slice(0, 40)}" is refused: ${problem}`;
	}
	return undefined;
}

/**
 * A user-typed id (or code, or name) as one safe path segment: trimmed, refused when empty or a dot
 * segment in any encoding, percent-encoded otherwise. Every provider puts ids into paths with this,
 * so `..`, `%2e%2e` or `a/../b` typed into an id field can never reach another resource.
 */
export function pathSegment(value: unknown, name = 'ID'): string {
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (text === '') throw new Error(`"${name}" must not be empty`);
	const problem = segmentProblem(text);
	if (problem) throw new Error(`"${name}" cannot be used in a path: ${problem} (got "${text.slice(0, 80)}")`);
	return encodeURIComponent(text);
}
