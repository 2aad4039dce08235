import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IWebhookResponseData } from 'n8n-workflow';

/**
 * A loopback HTTP endpoint that plays n8n's webhook server for a trigger node under test: the body is
 * read whole and kept as `rawBody`, parsed into `body` only for `application/json` (as n8n does), the
 * query string parsed, Express's `status()`/`json()` provided; `call` runs the node's webhook() (the
 * harness's webhookCall) and, unless the node answered itself, the request gets n8n's 200.
 */

export type WebhookRequest = IncomingMessage & { rawBody: Buffer; body: unknown; params: object; query: Record<string, string> };
export type WebhookResponse = ServerResponse & { status(code: number): WebhookResponse; json(value: unknown): WebhookResponse };

export interface WebhookEndpoint {
	/** The webhook base URL (n8n's `<base>/webhook`): the node's URL is `<url>/<webhookId>/<path>`. */
	url: string;
	close(): Promise<void>;
}

export async function startWebhookEndpoint(call: (request: WebhookRequest, response: WebhookResponse) => Promise<IWebhookResponseData>): Promise<WebhookEndpoint> {
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const rawBody = Buffer.concat(chunks);
			let body: unknown = {};
			try {
				if ((req.headers['content-type'] ?? '').split(';')[0].trim() === 'application/json') body = JSON.parse(rawBody.toString('utf8'));
			} catch {
				body = {};
			}
			const query = Object.fromEntries(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
			const request = Object.assign(req, { rawBody, body, params: {}, query });
			const response: WebhookResponse = Object.assign(res, {
				status(code: number) {
					res.statusCode = code;
					return response;
				},
				json(value: unknown) {
					res.setHeader('content-type', 'application/json');
					res.end(JSON.stringify(value));
					return response;
				},
			});
			void call(request, response)
				.then((result) => {
					if (!result.noWebhookResponse) res.writeHead(200).end('{"message":"Workflow was started"}');
				})
				.catch(() => res.writeHead(500).end());
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
