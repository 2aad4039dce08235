import { NodeApiError } from 'n8n-workflow';
import type { IHttpRequestOptions, IN8nHttpFullResponse, INode } from 'n8n-workflow';

/**
 * Getting the provider's answer back whole on every n8n line.
 *
 * n8n-core wraps a failed request in a NodeApiError. On 2.x the wrapper keeps the original error (its
 * `cause` holds the response: status, headers, body). On 1.x it drops it: ExecutionBaseError declares
 * a `cause` class field that resets what Error's constructor stored, so only the status (`httpCode`)
 * and a JSON body (`context.data`) survive, while Retry-After, Location and any non-JSON body (an HTML
 * error page) are lost. On such a line this module asks n8n-core not to throw on HTTP statuses
 * (`ignoreHttpStatusErrors`), so the response arrives whole, and turns a non-2xx answer into an
 * HttpStatusError here. A 401 is sent once more the ordinary way: n8n runs a credential's token
 * lifecycle (preAuthentication again, OAuth2 refresh) only when that request throws a 401. The price
 * on such a line is one extra request per 401 (the first 401 itself).
 */

/** A non-2xx answer, with the whole response, shaped like an axios error so failures.ts reads it. */
export class HttpStatusError extends Error {
	constructor(readonly response: { status: number; headers: unknown; data: unknown }) {
		super(`HTTP ${response.status}`);
		this.name = 'HttpStatusError';
	}
}

const PROBE_NODE: INode = { id: 'probe', name: 'probe', type: 'probe', typeVersion: 1, position: [0, 0], parameters: {} };
let dropsOriginal: boolean | undefined;

/** Whether this n8n's NodeApiError loses the error it wraps (n8n-workflow 1.x does), tried once. */
export function wrapperDropsOriginalError(): boolean {
	if (dropsOriginal === undefined) {
		const original = new Error('probe');
		dropsOriginal = (new NodeApiError(PROBE_NODE, original as never) as { cause?: unknown }).cause !== original;
	}
	return dropsOriginal;
}

type Send = (options: IHttpRequestOptions) => Promise<IN8nHttpFullResponse>;

/** A fresh copy per attempt: n8n-core and credentials write the auth headers into the options. */
const copy = (options: IHttpRequestOptions): IHttpRequestOptions => ({
	...options,
	headers: { ...options.headers },
	...(options.qs ? { qs: { ...options.qs } } : {}),
});

/**
 * Sends a `returnFullResponse` request so that a failure keeps its response on every line: 2xx
 * answers are returned, anything else is thrown with the whole response (HttpStatusError, or n8n's
 * own wrapper where that keeps it), and a 401 still goes through n8n's token lifecycle.
 */
export async function sendKeepingResponse(send: Send, options: IHttpRequestOptions): Promise<IN8nHttpFullResponse> {
	if (!wrapperDropsOriginalError()) return await send(copy(options));
	const response = await send({ ...copy(options), ignoreHttpStatusErrors: true });
	const status = response.statusCode;
	if (status === 401) return await send(copy(options));
	if (status >= 200 && status < 300) return response;
	throw new HttpStatusError({ status, headers: response.headers, data: response.body });
}
