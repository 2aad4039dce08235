import {
	base64Fragments,
	redactOutput,
	redactText,
	redactValue,
	secretValuesOf,
} from '../../nodes/shared/redact';
import { encodings, HOSTILE_SECRETS } from '../secret-encodings';

describe('redaction in every encoding', () => {
	for (const secret of HOSTILE_SECRETS) {
		for (const [name, form] of Object.entries(encodings(secret))) {
			it(`${name} of ${JSON.stringify(secret).slice(0, 24)}`, () => {
				for (const text of [form, `before ${form} after`, `x${form}x`]) {
					const out = redactText(text, [secret]);
					expect(out).toContain('[redacted]');
					for (const other of Object.values(encodings(secret))) expect(out).not.toContain(other);
				}
			});
		}
	}

	it('base64 fragments cover the three alignments', () => {
		const secret = 'abcdefghijklmnop';
		const fragments = base64Fragments(secret);
		for (const prefix of ['', 'x', 'xy', 'xyz']) {
			const encoded = Buffer.from(`${prefix}${secret}!`).toString('base64');
			expect(fragments.some((fragment) => encoded.includes(fragment))).toBe(true);
		}
	});

	it('leaves ordinary text alone', () => {
		expect(redactText('booking 42 for Jane, paid in full', ['sk_live_9f8e7d6c5b4a3210'])).toBe('booking 42 for Jane, paid in full');
	});

	it('redacts secrets used as keys, keeping every entry', () => {
		const secret = 'sk_live_9f8e7d6c5b4a3210';
		const out = redactValue({ [secret]: 'invalid', [encodeURIComponent(`${secret} `)]: 'also', note: 'x' }, [secret]);
		expect(JSON.stringify(out)).not.toContain(secret);
		expect(Object.keys(out as object)).toHaveLength(3);
	});
});

describe('redactOutput', () => {
	const secret = 'tok_4f3e2d1c0b9a8877';
	it('returns the same object when nothing matches', () => {
		const body = { data: [{ id: 1, name: 'a' }] };
		expect(redactOutput(body, [secret])).toBe(body);
	});
	it('redacts values and keys at any depth without truncating', () => {
		const rows = Array.from({ length: 120 }, (_, i) => ({ id: i, deep: { a: { b: { c: { d: { e: { f: { g: { h: { i: 'x' } } } } } } } } } }));
		const body = { echo: { headers: { authorization: `Bearer ${secret}` } }, [secret]: 1, rows };
		const out = redactOutput(body, [secret]);
		expect(JSON.stringify(out)).not.toContain(secret);
		expect(out.rows).toHaveLength(120);
		expect(out.rows[119].deep.a.b.c.d.e.f.g.h.i).toBe('x');
		expect(out.echo.headers.authorization).toBe('Bearer [redacted]');
	});
	it('costs little on a clean 100 KB body (printed)', () => {
		const body = { data: Array.from({ length: 1500 }, (_, i) => ({ id: i, name: `item ${i}`, note: 'lorem ipsum dolor sit amet' })) };
		const secrets = [...HOSTILE_SECRETS, secret];
		redactOutput(body, secrets);
		const started = process.hrtime.bigint();
		const rounds = 20;
		for (let i = 0; i < rounds; i++) expect(redactOutput(body, secrets)).toBe(body);
		const ms = Number(process.hrtime.bigint() - started) / 1e6 / rounds;
		const small = { id: 1, name: 'one record', status: 'ok' };
		const startedSmall = process.hrtime.bigint();
		for (let i = 0; i < 1000; i++) redactOutput(small, secrets);
		const smallUs = Number(process.hrtime.bigint() - startedSmall) / 1e3 / 1000;
		// eslint-disable-next-line no-console
		console.log(`redactOutput: ${ms.toFixed(2)} ms per ${JSON.stringify(body).length} byte body, ${smallUs.toFixed(1)} µs per small record, ${secrets.length} secrets`);
		expect(ms).toBeLessThan(200);
	});
});

describe('secretValuesOf', () => {
	it('finds credential secrets and nested token data, not expiries or hosts', () => {
		const values = secretValuesOf({
			host: 'acme.checkfront.com',
			apiKey: 'key-1',
			apiSecret: 'sec-1',
			accessTokenExpiresAt: '2030-01-01T00:00:00.000Z',
			oauthTokenData: { access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600 },
		});
		expect(values.sort()).toEqual(['at-1', 'key-1', 'rt-1', 'sec-1']);
	});
});
