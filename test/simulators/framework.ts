import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A small framework for provider simulators: real HTTP servers on 127.0.0.1 (ephemeral port) that
 * record every request and can be told to misbehave on demand. Each provider simulator registers
 * its routes on one of these and adds its own state (tokens, records, rotation).
 */

export interface RecordedRequest {
	method: string;
	/** The path as routed: dot segments already resolved by the URL parser, as most servers do. */
	path: string;
	/** The request target exactly as it arrived, before any normalisation (path escapes show here). */
	rawPath: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	rawBody: string;
	/** Parsed JSON or form body, when it parses. */
	body: unknown;
	/** ms since epoch when the request arrived. */
	at: number;
	/** The client's TCP port (which process sent it can be told from it while the connection is open). */
	remotePort?: number;
}

export interface Reply {
	status?: number;
	headers?: Record<string, string>;
	json?: unknown;
	text?: string;
}

export type Handler = (request: RecordedRequest, params: Record<string, string>) => Reply | Promise<Reply>;

/** Misbehaviours a test can switch on. Each applies to the next `times` matching requests. */
export type Fault =
	| { kind: 'status'; status: number; headers?: Record<string, string>; json?: unknown; text?: string }
	| { kind: 'html'; status?: number }
	| { kind: 'truncated'; status?: number }
	| { kind: 'stall'; ms: number }
	| { kind: 'reset' }
	/** A hostile answer built from the request itself (echo its Authorization header, its body, ...). */
	| { kind: 'reply'; reply: (request: RecordedRequest) => Reply }
	/** An empty body with this status (200, 201 or 204), no content type. */
	| { kind: 'empty'; status?: number }
	/** A literal JSON `null` body. */
	| { kind: 'null'; status?: number }
	/** A JSON body cut mid-stream: Content-Length promises more, the connection closes after half. */
	| { kind: 'cut'; status?: number }
	/** A JSON error body whose message is `bytes` long (`{"message":"xxxx..."}`), prefixed by `prefix`. */
	| { kind: 'huge'; status?: number; bytes: number; prefix?: string }
	/** A JSON body sent one byte every `everyMs`: never idle long enough for an idle timeout. */
	| { kind: 'trickle'; everyMs: number; status?: number; bytes?: number }
	/** A JSON array (or any JSON value) as the whole body. */
	| { kind: 'body'; status?: number; json: unknown }
	/** The request waits until `until` settles, then is answered as usual (a request on the wire while a sibling acts). */
	| { kind: 'hold'; until: Promise<unknown> };

interface ArmedFault {
	fault: Fault;
	remaining: number;
	match: (request: RecordedRequest) => boolean;
}

interface Route {
	method: string;
	pattern: RegExp;
	names: string[];
	handler: Handler;
}

function compilePath(path: string): { pattern: RegExp; names: string[] } {
	const names: string[] = [];
	const source = path
		.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
		.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
			names.push(name);
			return '([^/]+)';
		});
	return { pattern: new RegExp(`^${source}/?$`), names };
}

function parseBody(raw: string, contentType: string | undefined): unknown {
	if (raw === '') return undefined;
	if (contentType?.includes('application/x-www-form-urlencoded')) {
		return Object.fromEntries(new URLSearchParams(raw).entries());
	}
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

export class SimulatorServer {
	readonly requests: RecordedRequest[] = [];
	/** Called for every request as it arrives, before it is answered (the connection is still open). */
	onRequest?: (request: RecordedRequest) => void;
	/** Every answer this much later (benchmarks: a provider across a network). */
	latencyMs = 0;
	private readonly routes: Route[] = [];
	private faults: ArmedFault[] = [];
	private server?: Server;
	private readonly sockets = new Set<Socket>();
	private base = '';

	constructor(readonly name: string) {}

	/** Register a route; `path` may hold `:name` segments, which arrive in `params`. */
	on(method: string, path: string, handler: Handler): this {
		const { pattern, names } = compilePath(path);
		this.routes.push({ method: method.toUpperCase(), pattern, names, handler });
		return this;
	}

	/** Arm a fault for the next `times` requests that `match` (all requests by default). */
	inject(fault: Fault, options: { times?: number; match?: (request: RecordedRequest) => boolean } = {}): this {
		this.faults.push({ fault, remaining: options.times ?? 1, match: options.match ?? (() => true) });
		return this;
	}

	clearFaults(): void {
		this.faults = [];
	}

	get url(): string {
		if (!this.base) throw new Error(`${this.name} simulator is not started`);
		return this.base;
	}

	/** Requests whose path matches, in arrival order. */
	requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
		return this.requests.filter(
			(request) =>
				request.method === method.toUpperCase() &&
				(typeof path === 'string' ? request.path === path : path.test(request.path)),
		);
	}

	clearLog(): void {
		this.requests.length = 0;
	}

	async start(port = 0): Promise<string> {
		const server = createServer((req, res) => void this.handle(req, res));
		server.keepAliveTimeout = 1000;
		server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			// Loopback only: simulators are never reachable from another address.
			server.listen(port, '127.0.0.1', () => resolve());
		});
		this.server = server;
		this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return this.base;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	private takeFault(request: RecordedRequest): Fault | undefined {
		const armed = this.faults.find((entry) => entry.remaining > 0 && entry.match(request));
		if (!armed) return undefined;
		armed.remaining -= 1;
		this.faults = this.faults.filter((entry) => entry.remaining > 0);
		return armed.fault;
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks).toString('utf8');
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(req.headers)) {
			if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
		}
		const request: RecordedRequest = {
			method: (req.method ?? 'GET').toUpperCase(),
			path: url.pathname,
			rawPath: (req.url ?? '/').split('?')[0],
			query: Object.fromEntries(url.searchParams.entries()),
			headers,
			rawBody,
			body: parseBody(rawBody, headers['content-type']),
			at: Date.now(),
			remotePort: req.socket.remotePort,
		};
		this.requests.push(request);
		this.onRequest?.(request);

		if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
		const fault = this.takeFault(request);
		if (fault?.kind === 'hold') {
			await fault.until.catch(() => undefined);
		} else if (fault) {
			await this.applyFault(fault, res, request);
			return;
		}
		let reply: Reply;
		try {
			reply = await this.route(request);
		} catch (error) {
			reply = { status: 500, json: { message: `simulator error: ${(error as Error).message}` } };
		}
		this.send(res, reply);
	}

	private async route(request: RecordedRequest): Promise<Reply> {
		for (const route of this.routes) {
			if (route.method !== request.method && route.method !== '*') continue;
			const match = route.pattern.exec(request.path);
			if (!match) continue;
			const params: Record<string, string> = {};
			route.names.forEach((name, index) => (params[name] = decodeURIComponent(match[index + 1])));
			return await route.handler(request, params);
		}
		return { status: 404, json: { message: `no route for ${request.method} ${request.path}` } };
	}

	private send(res: ServerResponse, reply: Reply): void {
		const headers: Record<string, string> = { ...reply.headers };
		let body = '';
		if (reply.json !== undefined) {
			body = JSON.stringify(reply.json);
			headers['content-type'] = headers['content-type'] ?? 'application/json';
		} else if (reply.text !== undefined) {
			body = reply.text;
		}
		res.writeHead(reply.status ?? 200, headers);
		res.end(body);
	}

	private async applyFault(fault: Fault, res: ServerResponse, request: RecordedRequest): Promise<void> {
		switch (fault.kind) {
			case 'reply':
				this.send(res, fault.reply(request));
				return;
			case 'status':
				this.send(res, { status: fault.status, headers: fault.headers, json: fault.json, text: fault.text });
				return;
			case 'html':
				this.send(res, {
					status: fault.status ?? 502,
					headers: { 'content-type': 'text/html' },
					text: '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
				});
				return;
			case 'truncated':
				this.send(res, {
					status: fault.status ?? 200,
					headers: { 'content-type': 'application/json' },
					text: '{"data": [{"id": 1, "name": "cut of',
				});
				return;
			case 'hold':
				return; // handled before routing
			case 'stall':
				await new Promise((resolve) => setTimeout(resolve, fault.ms));
				if (!res.destroyed) this.send(res, { status: 504, json: { message: 'stalled' } });
				return;
			case 'reset':
				res.socket?.destroy();
				return;
			case 'empty':
				res.writeHead(fault.status ?? 200, { 'content-length': '0' });
				res.end();
				return;
			case 'null':
				this.send(res, { status: fault.status ?? 200, headers: { 'content-type': 'application/json' }, text: 'null' });
				return;
			case 'body':
				this.send(res, { status: fault.status ?? 200, json: fault.json });
				return;
			case 'cut': {
				const full = JSON.stringify({ data: Array.from({ length: 50 }, (_, id) => ({ id, name: `record ${id}` })) });
				res.writeHead(fault.status ?? 200, { 'content-type': 'application/json', 'content-length': String(full.length) });
				res.write(full.slice(0, Math.floor(full.length / 2)));
				await new Promise((resolve) => setTimeout(resolve, 20));
				res.socket?.destroy();
				return;
			}
			case 'huge': {
				const message = (fault.prefix ?? '') + 'x'.repeat(fault.bytes);
				this.send(res, { status: fault.status ?? 400, headers: { 'content-type': 'application/json' }, text: JSON.stringify({ message, code: 'E_HUGE' }) });
				return;
			}
			case 'trickle': {
				const body = JSON.stringify({ data: 'y'.repeat(fault.bytes ?? 1000) });
				res.writeHead(fault.status ?? 200, { 'content-type': 'application/json', 'content-length': String(body.length) });
				for (const char of body) {
					if (res.destroyed || res.socket?.destroyed) return;
					res.write(char);
					await new Promise((resolve) => setTimeout(resolve, fault.everyMs));
				}
				res.end();
				return;
			}
		}
	}
}

/** Bearer token from an Authorization header, whatever the case of "Bearer". */
export function bearerOf(request: RecordedRequest): string | undefined {
	const match = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
	return match?.[1];
}

/** [user, password] from an HTTP Basic Authorization header. */
export function basicOf(request: RecordedRequest): [string, string] | undefined {
	const match = /^basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	return colon < 0 ? undefined : [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

let tokenCounter = 0;
/** A unique opaque token with a readable prefix. */
export function newToken(prefix: string): string {
	tokenCounter += 1;
	return `${prefix}_${Date.now().toString(36)}_${tokenCounter}_${Math.random().toString(36).slice(2, 10)}`;
}
