import type { IDataObject } from 'n8n-workflow';

/**
 * CloudEvents 1.0 over HTTP (binary and structured content modes), for every provider whose webhook
 * notifications are CloudEvents (Fatture in Cloud), and the bounded memory of delivery ids that
 * makes an at-least-once delivery start one execution.
 */

export interface CloudEvent {
	mode: 'binary' | 'structured';
	id: string;
	type: string;
	source: string;
	specversion: string;
	subject?: string;
	time?: string;
	/** The event's data: the body in binary mode, the `data` attribute in structured mode. */
	data: unknown;
	/** Extension attributes (other ce-* headers, other top-level members). */
	extensions: IDataObject;
}

export type CloudEventVerdict = { ok: true; event: CloudEvent } | { ok: false; reason: string };

const CORE = new Set(['id', 'type', 'source', 'specversion', 'subject', 'time', 'data', 'datacontenttype', 'dataschema', 'data_base64']);

type Headers = Record<string, string | string[] | undefined>;

function headerOf(headers: Headers, name: string): string | undefined {
	const value = headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function parseJson(raw: Buffer | string | undefined): { value: unknown } | undefined {
	if (raw === undefined) return undefined;
	const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
	if (text.trim() === '') return { value: undefined };
	try {
		return { value: JSON.parse(text) as unknown };
	} catch {
		return undefined;
	}
}

/**
 * One CloudEvent from an HTTP request: structured when the content type is
 * `application/cloudevents+json` (attributes and data in the body), binary otherwise (attributes in
 * `ce-*` headers, the body is the data). `id`, `type`, `source` and `specversion` 1.x are required.
 * `parsedBody` is used when the raw body is not available.
 */
export function parseCloudEvent(headers: Headers, rawBody: Buffer | string | undefined, parsedBody?: unknown): CloudEventVerdict {
	const lower: Headers = {};
	for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
	const contentType = (headerOf(lower, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
	const body = parseJson(rawBody) ?? (rawBody === undefined ? { value: parsedBody } : undefined);

	let attributes: IDataObject;
	let data: unknown;
	let mode: CloudEvent['mode'];
	if (contentType === 'application/cloudevents+json') {
		mode = 'structured';
		if (!body || typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) return { ok: false, reason: 'structured event is not a JSON object' };
		attributes = body.value as IDataObject;
		data = attributes.data;
	} else {
		mode = 'binary';
		attributes = {};
		for (const [name, value] of Object.entries(lower)) {
			const text = Array.isArray(value) ? value[0] : value;
			if (name.startsWith('ce-') && text !== undefined) attributes[name.slice(3)] = text;
		}
		if (!body) return { ok: false, reason: 'event data is not JSON' };
		data = body.value;
	}
	const text = (name: string) => (typeof attributes[name] === 'string' ? (attributes[name] as string) : undefined);
	const id = text('id');
	const type = text('type');
	const specversion = text('specversion');
	if (!id || !type) return { ok: false, reason: 'event without id or type' };
	if (!specversion?.startsWith('1.')) return { ok: false, reason: 'unsupported CloudEvents version' };
	const extensions: IDataObject = {};
	for (const [name, value] of Object.entries(attributes)) if (!CORE.has(name)) extensions[name] = value;
	return { ok: true, event: { mode, id, type, source: text('source') ?? '', specversion, subject: text('subject'), time: text('time'), data, extensions } };
}

/** Ids delivered to this process, per trigger (`scope`): static data is saved only after the execution. */
const deliveredHere = new Map<string, string[]>();

/**
 * True the first time `id` is seen; remembers it in `store[key]` (a workflow's static data, saved by
 * n8n after the execution: what survives a restart and reaches other processes) and, with a `scope`
 * (workflow + node), in this process at once, so a repeat that arrives before the first delivery's
 * execution saved its static data is still recognised. Keeps the newest `limit` ids in each.
 */
export function firstDelivery(store: IDataObject, key: string, id: string, limit = 500, scope?: string): boolean {
	const seen = Array.isArray(store[key]) ? (store[key] as string[]) : [];
	const here = scope === undefined ? [] : (deliveredHere.get(scope) ?? []);
	if (seen.includes(id) || here.includes(id)) return false;
	store[key] = [...seen, id].slice(-limit);
	if (scope !== undefined) deliveredHere.set(scope, [...here, id].slice(-limit));
	return true;
}
