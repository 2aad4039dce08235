import { createHmac, generateKeyPairSync, sign } from 'node:crypto';

import { firstDelivery, parseCloudEvent } from '../../nodes/shared/cloudevents';
import { es256PublicKey, signEs256Jwt, verifyEs256Jwt } from '../../nodes/shared/jwt';
import { EVENTS_PROPERTY, FIC_EVENT_TYPES, FIC_WEBHOOK_PUBLIC_KEY, typeMatches } from '../../nodes/FattureInCloud/trigger';

const pair = () => {
	const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
	return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), jwk: publicKey.export({ format: 'jwk' }) };
};
const signer = pair();
const other = pair();
const SINK = 'https://n8n.example.com/webhook/abc/webhook';
const NOW = 1_760_000_000_000;
const claims = (extra: Record<string, unknown> = {}) => ({
	jti: '198:f059b211',
	iss: 'https://api-v2.fattureincloud.it',
	sub: 'company:108061',
	aud: [SINK],
	iat: NOW / 1000 - 5,
	exp: NOW / 1000 + 3 * 3600,
	...extra,
});
const check = (token: string | string[] | undefined, extra: Partial<Parameters<typeof verifyEs256Jwt>[0]> = {}) =>
	verifyEs256Jwt({ token, publicKey: signer.publicPem, audience: SINK, subject: 'company:108061', issuer: 'https://api-v2.fattureincloud.it', nowMs: NOW, ...extra });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyEs256Jwt', () => {
	it('accepts a correctly signed token, as a bare token or a Bearer header, with a PEM or a JWK key', () => {
		const token = signEs256Jwt(claims(), signer.privatePem);
		expect(check(token)).toEqual({ ok: true, claims: claims() });
		expect(check(`Bearer ${token}`).ok).toBe(true);
		expect(check([`bearer   ${token}`]).ok).toBe(true);
		expect(check(token, { publicKey: signer.jwk }).ok).toBe(true);
		// aud as a plain string, sub among several accepted forms
		expect(check(signEs256Jwt(claims({ aud: SINK, sub: '108061' }), signer.privatePem), { subject: ['company:108061', '108061'] }).ok).toBe(true);
	});

	it('refuses hostile and wrong tokens, saying which check failed', () => {
		const good = signEs256Jwt(claims(), signer.privatePem);
		const [header, payload, signature] = good.split('.');
		const cases: Array<[string, string | undefined, string]> = [
			['no token', undefined, 'missing token'],
			['empty bearer', 'Bearer ', 'malformed token'],
			['two parts', `${header}.${payload}`, 'malformed token'],
			['not base64url', `${header}.${payload}.${signature}=`, 'malformed token'],
			['alg none, no signature', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, 'malformed token'],
			['alg none with a signature', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`, 'algorithm not allowed'],
			[
				'alg HS256 keyed with the public key',
				(() => {
					const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${payload}`;
					return `${input}.${createHmac('sha256', signer.publicPem).update(input).digest('base64url')}`;
				})(),
				'algorithm not allowed',
			],
			['alg RS256', `${b64({ alg: 'RS256' })}.${payload}.${signature}`, 'algorithm not allowed'],
			['crit header', signEs256Jwt(claims(), signer.privatePem, { crit: ['b64'] }), 'algorithm not allowed'],
			['signed by another key', signEs256Jwt(claims(), other.privatePem), 'bad signature'],
			['payload tampered after signing', `${header}.${b64(claims({ sub: 'company:999' }))}.${signature}`, 'bad signature'],
			[
				'DER signature instead of r||s',
				(() => {
					const input = `${header}.${payload}`;
					return `${input}.${sign('sha256', Buffer.from(input), signer.privatePem).toString('base64url')}`;
				})(),
				'bad signature',
			],
			['signature truncated', `${header}.${payload}.${signature.slice(0, 40)}`, 'bad signature'],
			['expired', signEs256Jwt(claims({ exp: NOW / 1000 - 120 }), signer.privatePem), 'expired'],
			['no exp', signEs256Jwt(claims({ exp: undefined }), signer.privatePem), 'expired'],
			['exp as text', signEs256Jwt(claims({ exp: String(NOW / 1000 + 60) }), signer.privatePem), 'expired'],
			['issued in the future', signEs256Jwt(claims({ iat: NOW / 1000 + 3600 }), signer.privatePem), 'not yet valid'],
			['nbf in the future', signEs256Jwt(claims({ nbf: NOW / 1000 + 3600 }), signer.privatePem), 'not yet valid'],
			['other sink', signEs256Jwt(claims({ aud: ['https://attacker.example/hook'] }), signer.privatePem), 'wrong audience'],
			['sink as a prefix only', signEs256Jwt(claims({ aud: [`${SINK}/more`] }), signer.privatePem), 'wrong audience'],
			['no aud', signEs256Jwt(claims({ aud: undefined }), signer.privatePem), 'wrong audience'],
			['other company', signEs256Jwt(claims({ sub: 'company:999' }), signer.privatePem), 'wrong subject'],
			['other issuer', signEs256Jwt(claims({ iss: 'https://evil.example' }), signer.privatePem), 'wrong issuer'],
			['payload not an object', `${header}.${b64([1, 2])}.${signature}`, 'bad signature'],
		];
		for (const [name, token, reason] of cases) {
			expect([name, check(token)]).toEqual([name, { ok: false, reason }]);
		}
		// Within the leeway an expiry just past is accepted; beyond it, not.
		expect(check(signEs256Jwt(claims({ exp: NOW / 1000 - 30 }), signer.privatePem)).ok).toBe(true);
		expect(check(signEs256Jwt(claims({ exp: NOW / 1000 - 30 }), signer.privatePem), { leewaySeconds: 10 })).toEqual({ ok: false, reason: 'expired' });
	});

	it('refuses keys that are not P-256 public keys, and never quotes the token', () => {
		const token = signEs256Jwt(claims(), signer.privatePem);
		const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
		const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
		for (const key of [rsa, p384, 'not a key', '']) expect(check(token, { publicKey: key })).toEqual({ ok: false, reason: 'unusable public key' });
		expect(JSON.stringify(check(token, { audience: 'x' }))).not.toContain(token.split('.')[2]);
	});

	it("Fatture in Cloud's published key is a usable P-256 key", () => {
		expect(es256PublicKey(FIC_WEBHOOK_PUBLIC_KEY)).toBeDefined();
	});
});

describe('parseCloudEvent', () => {
	const binaryHeaders = {
		'ce-id': '198:f059b211',
		'ce-type': 'it.fattureincloud.webhooks.entities.clients.create',
		'ce-source': 'https://api-v2.fattureincloud.it',
		'ce-specversion': '1.0',
		'ce-subject': 'company:108061',
		'ce-time': '2023-04-04T12:54:21+02:00',
		'content-type': 'application/json',
	};

	it('reads binary mode (ce-* headers, body = data) and structured mode (everything in the body)', () => {
		const binary = parseCloudEvent(binaryHeaders, Buffer.from('{"data":{"ids":[1,2]}}'));
		expect(binary).toEqual({
			ok: true,
			event: { mode: 'binary', id: '198:f059b211', type: binaryHeaders['ce-type'], source: binaryHeaders['ce-source'], specversion: '1.0', subject: 'company:108061', time: binaryHeaders['ce-time'], data: { data: { ids: [1, 2] } }, extensions: {} },
		});
		const structured = parseCloudEvent(
			{ 'Content-Type': 'application/cloudevents+json; charset=utf-8' },
			JSON.stringify({ id: 'x1', type: 't', source: 's', specversion: '1.0', subject: 'company:1', data: { ids: [3] }, datacontenttype: 'application/json', extra: 'e' }),
		);
		expect(structured).toEqual({ ok: true, event: { mode: 'structured', id: 'x1', type: 't', source: 's', specversion: '1.0', subject: 'company:1', time: undefined, data: { ids: [3] }, extensions: { extra: 'e' } } });
		// Without a raw body, n8n's parsed body is used.
		expect(parseCloudEvent(binaryHeaders, undefined, { data: { ids: [9] } })).toMatchObject({ ok: true, event: { data: { data: { ids: [9] } } } });
	});

	it('refuses events without id, type or a 1.x specversion, and bodies that are not JSON', () => {
		expect(parseCloudEvent({ ...binaryHeaders, 'ce-id': undefined }, '{}')).toEqual({ ok: false, reason: 'event without id or type' });
		expect(parseCloudEvent({ ...binaryHeaders, 'ce-specversion': '0.3' }, '{}')).toEqual({ ok: false, reason: 'unsupported CloudEvents version' });
		expect(parseCloudEvent(binaryHeaders, '{oops')).toEqual({ ok: false, reason: 'event data is not JSON' });
		expect(parseCloudEvent({ 'content-type': 'application/cloudevents+json' }, '[1]')).toEqual({ ok: false, reason: 'structured event is not a JSON object' });
	});
});

describe('firstDelivery', () => {
	it('is true once per id and keeps only the newest ids', () => {
		const store = {};
		expect(firstDelivery(store, 'seen', 'a', 3)).toBe(true);
		expect(firstDelivery(store, 'seen', 'a', 3)).toBe(false);
		for (const id of ['b', 'c', 'd']) expect(firstDelivery(store, 'seen', id, 3)).toBe(true);
		expect(store).toEqual({ seen: ['b', 'c', 'd'] });
		// 'a' was forgotten (bounded memory).
		expect(firstDelivery(store, 'seen', 'a', 3)).toBe(true);
	});

	it('with a scope, a repeat is recognised before the static data of the first delivery is saved', () => {
		// n8n hands each webhook call the static data as last saved: the first delivery's write is not in it yet.
		expect(firstDelivery({}, 'seen', 'ev-1', 3, 'wf1/Trigger')).toBe(true);
		expect(firstDelivery({}, 'seen', 'ev-1', 3, 'wf1/Trigger')).toBe(false);
		// Another trigger (another workflow or node) has its own memory; without a scope only the store counts.
		expect(firstDelivery({}, 'seen', 'ev-1', 3, 'wf2/Trigger')).toBe(true);
		expect(firstDelivery({}, 'seen', 'ev-1', 3)).toBe(true);
	});
});

describe('Fatture in Cloud event types', () => {
	it("offers the 78 values of the spec's EventType model, each once, with readable names", () => {
		expect(new Set(FIC_EVENT_TYPES).size).toBe(78);
		for (const type of ['issued_documents.invoices.create', 'products.stock_update', 'entities.all.delete', 'issued_documents.e_invoices.status_update', 'received_documents.e_invoices.receive', 'issued_documents.self_own_invoices.email_sent']) {
			expect(FIC_EVENT_TYPES).toContain(`it.fattureincloud.webhooks.${type}`);
		}
		const names = (EVENTS_PROPERTY.options ?? []).map((option) => option.name);
		expect(new Set(names).size).toBe(78);
		expect(names).toContain('Issued Documents › E-Invoices › Status Update');
	});

	it('"All Types" groups match their members only', () => {
		const group = ['it.fattureincloud.webhooks.issued_documents.all.create'];
		expect(typeMatches(group, 'it.fattureincloud.webhooks.issued_documents.invoices.create')).toBe(true);
		expect(typeMatches(group, 'it.fattureincloud.webhooks.issued_documents.invoices.delete')).toBe(false);
		expect(typeMatches(group, 'it.fattureincloud.webhooks.received_documents.create')).toBe(false);
		expect(typeMatches(group, 'it.fattureincloud.webhooks.subscriptions.welcome')).toBe(false);
	});
});
