import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';

import { signEs256Jwt } from '../../nodes/shared/jwt';
import { FIC_EVENT_TYPES, typeMatches } from '../../nodes/FattureInCloud/trigger';
import type { RecordedRequest, Reply, SimulatorServer } from './framework';

/**
 * Fatture in Cloud webhooks on the simulator (providers-next.md §3.2): subscriptions under
 * /c/{company_id}/subscriptions; on creation (and on POST .../verify) the verification GET to the sink
 * with the challenge in the `x-fic-verification-challenge` header or query parameter, verified when the
 * sink answers 200 `{"verification": <challenge>}`; then a welcome notification. Notifications are
 * CloudEvents (binary: ce-* headers + `{"data":{"ids":[…]}}`; structured: application/cloudevents+json)
 * with `Authorization: Bearer <JWT>` signed ES256 by the simulator's own P-256 key (jti = ce-id, sub =
 * company:<id> = ce-subject, aud = [sink], exp + 3 h). `notify` can forge every way a token can be wrong
 * and repeat a ce-id (at-least-once delivery). Sinks must be loopback URLs (the real service wants HTTPS).
 */

export interface Subscription {
	id: string;
	companyId: string;
	sink: string;
	types: string[];
	verificationMethod: 'header' | 'query';
	mapping: 'binary' | 'structured';
	verified: boolean;
}

export interface WebhookDelivery {
	kind: 'verification' | 'notification';
	subscriptionId: string;
	url: string;
	status: number;
	responseBody: string;
	headers: Record<string, string>;
	body: string;
	eventId?: string;
	type?: string;
}

export type Forgery = 'otherKey' | 'expired' | 'otherSink' | 'otherCompany' | 'tampered' | 'algNone' | 'noToken' | 'otherEventId';

export interface NotifyOptions {
	ids?: Array<number | string>;
	forge?: Forgery;
	/** Send with this ce-id (a repeated delivery). */
	eventId?: string;
}

const ISSUER = 'https://api-v2.fattureincloud.it';
const CHALLENGE_HEADER = 'x-fic-verification-challenge';
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

function keyPair() {
	const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
	return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

const error = (status: number, message: string, code: string, extra: Record<string, unknown> = {}): Reply => ({ status, json: { error: { message, code, ...extra } } });

export class FicWebhooks {
	readonly subscriptions = new Map<string, Subscription>();
	readonly deliveries: WebhookDelivery[] = [];
	/** The simulator's signing key (its public half goes in the trigger's test-only key option). */
	readonly signing = keyPair();
	/** A key nobody trusts, for forged notifications. */
	readonly attacker = keyPair();
	/** Send the welcome notification after a verification succeeds (Fatture in Cloud does). */
	sendWelcome = true;
	/** Whether webhooks are enabled for the app (else 403 NO_PERMISSION, as for apps outside the beta). */
	enabled = true;
	private counter = 0;

	constructor(
		server: SimulatorServer,
		guard: (request: RecordedRequest, cid: string, handle: () => Reply | Promise<Reply>) => Reply | Promise<Reply>,
	) {
		server.on('GET', '/c/:cid/subscriptions', (request, { cid }) => guard(request, cid, () => ({ json: { data: this.of(cid).map(view) } })));
		server.on('POST', '/c/:cid/subscriptions', (request, { cid }) => guard(request, cid, () => this.create(cid, request)));
		server.on('GET', '/c/:cid/subscriptions/:sid', (request, { cid, sid }) => guard(request, cid, () => this.one(cid, sid, (sub) => ({ json: { data: view(sub) } }))));
		server.on('DELETE', '/c/:cid/subscriptions/:sid', (request, { cid, sid }) =>
			guard(request, cid, () =>
				this.one(cid, sid, (sub) => {
					this.subscriptions.delete(sub.id);
					return { status: 200 };
				}),
			),
		);
		server.on('POST', '/c/:cid/subscriptions/:sid/verify', (request, { cid, sid }) =>
			guard(request, cid, () =>
				this.one(cid, sid, async (sub) => {
					const method = ((request.body as { data?: { verification_method?: string } } | undefined)?.data?.verification_method ?? sub.verificationMethod) as Subscription['verificationMethod'];
					sub.verificationMethod = method;
					await this.verify(sub.id);
					return { json: { data: view(sub) } };
				}),
			),
		);
	}

	reset(): void {
		this.subscriptions.clear();
		this.deliveries.length = 0;
		this.sendWelcome = true;
		this.enabled = true;
	}

	/** The subscription of the spec's examples (SUB123 in company 12345), for the operation-table test. */
	seedExample(): void {
		this.subscriptions.set('SUB123', {
			id: 'SUB123',
			companyId: '12345',
			sink: 'https://test.url',
			types: ['it.fattureincloud.webhooks.issued_documents.invoices.create'],
			verificationMethod: 'header',
			mapping: 'binary',
			verified: true,
		});
	}

	of(companyId: string | number): Subscription[] {
		return [...this.subscriptions.values()].filter((sub) => sub.companyId === String(companyId));
	}

	notifications(): WebhookDelivery[] {
		return this.deliveries.filter((delivery) => delivery.kind === 'notification');
	}

	private one(cid: string, sid: string, handle: (sub: Subscription) => Reply | Promise<Reply>): Reply | Promise<Reply> {
		const sub = this.subscriptions.get(sid);
		if (!sub || sub.companyId !== cid) return error(404, 'Subscription not found', 'NOT_FOUND');
		return handle(sub);
	}

	private async create(cid: string, request: RecordedRequest): Promise<Reply> {
		if (!this.enabled) return error(403, 'This app is not enabled to register webhooks', 'NO_PERMISSION');
		const data = ((request.body ?? {}) as { data?: { sink?: unknown; types?: unknown; verification_method?: unknown; config?: { mapping?: unknown } } }).data ?? {};
		const problems: Record<string, string[]> = {};
		let sink: URL | undefined;
		try {
			sink = new URL(String(data.sink));
		} catch {
			sink = undefined;
		}
		if (!sink || !['http:', 'https:'].includes(sink.protocol)) problems['data.sink'] = ['The sink must be a valid URL.'];
		const types = Array.isArray(data.types) ? data.types.map(String) : [];
		if (types.length === 0) problems['data.types'] = ['The types field is required.'];
		// The EventType list, plus the older names the spec's own examples use (it.fattureincloud.webhooks.entities.create).
		for (const type of types) if (!FIC_EVENT_TYPES.includes(type) && !/^it\.fattureincloud\.webhooks\.[a-z_]+\.[a-z_]+$/.test(type)) problems['data.types'] = [`The selected type ${type} is invalid.`];
		const method = data.verification_method ?? 'header';
		if (method !== 'header' && method !== 'query') problems['data.verification_method'] = ['The selected verification method is invalid.'];
		const mapping = data.config?.mapping ?? 'binary';
		if (mapping !== 'binary' && mapping !== 'structured') problems['data.config.mapping'] = ['The selected mapping is invalid.'];
		if (Object.keys(problems).length > 0) return error(422, 'The given data was invalid.', 'VALIDATION_ERROR', { validation_result: problems });
		// One subscription per (app, company, type): a type already registered is left out, with a warning.
		const taken = types.filter((type) => this.of(cid).some((sub) => sub.types.includes(type)));
		const warnings = taken.map((type) => `The '${type}' event is already registered for this application`);
		if (taken.length === types.length) return error(409, warnings[0], 'CONFLICT');
		this.counter += 1;
		const sub: Subscription = {
			id: `SUB${100 + this.counter}`,
			companyId: cid,
			sink: String(data.sink),
			types: types.filter((type) => !taken.includes(type)),
			verificationMethod: method as Subscription['verificationMethod'],
			mapping: mapping as Subscription['mapping'],
			verified: false,
		};
		this.subscriptions.set(sub.id, sub);
		// The verification phase runs while the subscription is created (the answer says whether it passed).
		await this.verify(sub.id);
		return { json: { data: view(sub), warnings } };
	}

	/** The verification GET (also the documented retry, POST .../verify); then the welcome notification. */
	async verify(subscriptionId: string): Promise<boolean> {
		const sub = this.subscriptions.get(subscriptionId);
		if (!sub) throw new Error(`unknown subscription ${subscriptionId}`);
		const url = new URL(sub.sink);
		// Only loopback sinks are called (a test must never reach out); others stay unverified.
		if (!LOOPBACK.includes(url.hostname)) return (sub.verified = false);
		const challenge = `challenge-${randomUUID()}`;
		const headers: Record<string, string> = { 'user-agent': 'FattureInCloud/API-WEBHOOK', authorization: `Bearer ${this.token(sub, `verify-${randomUUID()}`)}` };
		if (sub.verificationMethod === 'query') url.searchParams.set(CHALLENGE_HEADER, challenge);
		else headers[CHALLENGE_HEADER] = challenge;
		const answer = await send('GET', url.toString(), headers, '');
		this.deliveries.push({ kind: 'verification', subscriptionId: sub.id, url: url.toString(), status: answer.status, responseBody: answer.body, headers, body: '' });
		let echoed: unknown;
		try {
			echoed = (JSON.parse(answer.body) as { verification?: unknown }).verification;
		} catch {
			echoed = undefined;
		}
		sub.verified = answer.status === 200 && echoed === challenge;
		if (sub.verified && this.sendWelcome) await this.deliver(sub, 'it.fattureincloud.webhooks.subscriptions.welcome', {});
		return sub.verified;
	}

	private token(sub: Subscription, jti: string, forge?: Forgery): string {
		const now = Math.floor(Date.now() / 1000);
		const claims = {
			jti: forge === 'otherEventId' ? `other-${jti}` : jti,
			iss: ISSUER,
			sub: `company:${forge === 'otherCompany' ? '999999' : sub.companyId}`,
			aud: [forge === 'otherSink' ? 'https://attacker.example/webhook' : sub.sink],
			iat: forge === 'expired' ? now - 4 * 3600 : now,
			exp: forge === 'expired' ? now - 3600 : now + 3 * 3600,
			aid: 4242,
		};
		if (forge === 'algNone') {
			const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
			return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
		}
		return signEs256Jwt(claims, forge === 'otherKey' ? this.attacker.privatePem : this.signing.privatePem);
	}

	/** An event in a company: one delivery to each verified subscription of that type. */
	async notify(companyId: string | number, type: string, options: NotifyOptions = {}): Promise<WebhookDelivery[]> {
		const out: WebhookDelivery[] = [];
		for (const sub of this.of(companyId).filter((entry) => entry.verified && typeMatches(entry.types, type))) {
			out.push(await this.deliver(sub, type, { ids: options.ids ?? [3062300] }, options));
		}
		return out;
	}

	private async deliver(sub: Subscription, type: string, data: Record<string, unknown>, options: NotifyOptions = {}): Promise<WebhookDelivery> {
		this.counter += 1;
		const id = options.eventId ?? `${this.counter}:${randomUUID()}`;
		const attributes = { id, type, source: ISSUER, specversion: '1.0', subject: `company:${sub.companyId}`, time: new Date().toISOString() };
		const headers: Record<string, string> = { 'user-agent': 'FattureInCloud/API-WEBHOOK' };
		if (options.forge !== 'noToken') headers.authorization = `Bearer ${this.token(sub, id, options.forge)}`;
		let body: string;
		if (sub.mapping === 'structured') {
			headers['content-type'] = 'application/cloudevents+json';
			body = JSON.stringify({ ...attributes, datacontenttype: 'application/json', data });
		} else {
			headers['content-type'] = 'application/json';
			for (const [name, value] of Object.entries(attributes)) headers[`ce-${name}`] = value;
			body = JSON.stringify({ data });
		}
		// Tampered: a correctly signed token on an event edited after sending (another subject).
		if (options.forge === 'tampered') {
			if (sub.mapping === 'structured') body = JSON.stringify({ ...attributes, subject: 'company:999999', data });
			else headers['ce-subject'] = 'company:999999';
		}
		const answer = await send('POST', sub.sink, headers, body);
		const delivery: WebhookDelivery = { kind: 'notification', subscriptionId: sub.id, url: sub.sink, status: answer.status, responseBody: answer.body, headers, body, eventId: id, type };
		this.deliveries.push(delivery);
		// 410 Gone deletes the subscription.
		if (answer.status === 410) this.subscriptions.delete(sub.id);
		return delivery;
	}
}

function view(sub: Subscription): Record<string, unknown> {
	return { id: sub.id, sink: sub.sink, verified: sub.verified, types: sub.types, config: { mapping: sub.mapping } };
}

async function send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
	const target = new URL(url);
	if (!LOOPBACK.includes(target.hostname)) throw new Error(`the simulator only calls loopback URLs, not ${target.hostname}`);
	return await new Promise((resolve) => {
		const req = httpRequest(target, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: 20_000 }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
		});
		req.on('error', () => resolve({ status: 0, body: '' }));
		req.on('timeout', () => req.destroy());
		req.end(body);
	});
}
