import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { RunResult } from '../../harness';
import { encodings } from '../../secret-encodings';

/**
 * The hostile rig: the package's credential types (and the reference fixture, a provider built only
 * from nodes/shared) through n8n-core against loopback simulators, plus a foreign host (another
 * loopback server on another port) whose request log proves what reached it.
 */

/** A foreign host: records every request it gets and answers 200 {}. */
export class ForeignHost {
	readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
	private server?: Server;
	url = '';

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ access_token: 'foreign-token', data: [] }));
			});
		});
		await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()));
	}

	/** Requests that arrived carrying any of the secrets (header, URL or body, any encoding). */
	withSecrets(secrets: readonly string[]): number {
		return this.requests.filter((request) => {
			const seen = JSON.stringify(request);
			return secrets.some((secret) => Object.values(encodings(secret)).some((form) => seen.includes(form)));
		}).length;
	}
}

/** Counts for the report, printed by each suite. */
export const tally = { cases: 0, leaks: 0, offOrigin: 0 };

/** Every place a user, a log or the database could see: items, error texts and context, the whole IRun. */
export function exposed(result: RunResult): string {
	const error = result.error;
	return [
		JSON.stringify(result.items),
		String(error?.message ?? ''),
		String(error?.description ?? ''),
		JSON.stringify(error?.context ?? {}),
		JSON.stringify(result.run),
	].join('\n');
}

/** The secrets (in any of their encodings) found in what a run exposed; counted into the tally. */
export function leaksIn(result: RunResult, secrets: readonly string[]): string[] {
	tally.cases += 1;
	const text = exposed(result);
	const found: string[] = [];
	for (const secret of new Set(secrets)) {
		for (const [name, form] of Object.entries(encodings(secret))) {
			if (form.length >= 4 && text.includes(form)) found.push(`${name} of ${secret.slice(0, 6)}…`);
		}
	}
	tally.leaks += found.length;
	return found;
}


export { HOSTILE_KEY, HOSTILE_SECRET, providerCases, sims, startAll, stopAll } from './providers';
export type { ProviderCase, TokenExchange } from './providers';
