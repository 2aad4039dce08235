import { NodeApiError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { parseProviderError, toNodeApiError } from '../../nodes/shared/errors';
import { extractHttpFailure } from '../../nodes/shared/failures';
import { redactText, redactValue, secretForms } from '../../nodes/shared/redact';

const node = { id: '1', name: 'Test', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
const failure = (status: number, data: unknown, headers: Record<string, string> = {}) =>
	Object.assign(new Error(`Request failed with status code ${status}`), { response: { status, headers, data } });

describe('parseProviderError reads every provider shape', () => {
	it.each([
		['OAuth', { error: 'invalid_grant', error_description: 'Refresh token expired' }, 'Refresh token expired', 'invalid_grant'],
		['Fatture in Cloud', { error: { message: 'Invalid data', code: 'VALIDATION', validation_result: { 'data.amount': ['must be positive'] } } }, 'Invalid data', 'VALIDATION'],
		['fiskaly flat', { status_code: 401, error: 'Unauthorized', code: 'E_UNAUTHORIZED', message: 'Invalid API key' }, 'Invalid API key', 'E_UNAUTHORIZED'],
		['fiskaly envelope', { content: { code: 'E_INVALID_KEY', message: 'API key disabled', status: 401 } }, 'API key disabled', 'E_INVALID_KEY'],
		['HubRise', { error_type: 'unprocessable_entity', message: 'Invalid fields', errors: [{ field: 'status', message: 'is unknown' }] }, 'Invalid fields', 'unprocessable_entity'],
		['Inbenta', { error: { code: 400, message: 'Bad domain key' } }, 'Bad domain key', '400'],
		['Inbenta list', { errors: [{ message: 'quota exceeded', code: 429 }] }, undefined, undefined],
		['Checkfront', { error: { title: 'Booking not found', id: 'bnf' } }, 'Booking not found', undefined],
	])('%s', (_, body, message, code) => {
		const detail = parseProviderError(body);
		expect(detail.message).toBe(message);
		expect(detail.code).toBe(code);
	});

	it('collects field problems', () => {
		expect(parseProviderError({ error: { validation_result: { 'data.amount': ['must be positive'] } } }).fields).toEqual(['data.amount: must be positive']);
		expect(parseProviderError({ errors: [{ field: 'status', message: 'is unknown' }] }).fields).toEqual(['status: is unknown']);
	});

	it('recognises HTML pages and truncated JSON', () => {
		expect(parseProviderError('<html><body>502</body></html>').malformed).toBe('html');
		expect(parseProviderError('{"data": [1, 2').malformed).toBe('invalid-json');
		expect(parseProviderError(Buffer.from('{"message":"from buffer"}')).message).toBe('from buffer');
	});
});

describe('extractHttpFailure', () => {
	it('digs through NodeApiError.cause to the response', () => {
		const wrapped = new NodeApiError(node, failure(429, { message: 'slow' }, { 'Retry-After': '5' }) as never);
		const found = extractHttpFailure(wrapped);
		expect(found.status).toBe(429);
		expect(found.headers['retry-after']).toBe('5');
	});
	it('reports socket errors as network codes', () => {
		expect(extractHttpFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).networkCode).toBe('ECONNRESET');
		expect(extractHttpFailure(new Error('timeout of 100ms exceeded')).networkCode).toBe('ETIMEDOUT');
	});
});

describe('redaction', () => {
	const secret = 'sk_live_9f8e7d6c5b4a';
	it('removes secrets, their URL-encoded form and Basic pairs', () => {
		const forms = secretForms([secret, 'p@ss word'], [['key-1', secret]]);
		const basic = Buffer.from(`key-1:${secret}`).toString('base64');
		const text = redactText(`secret ${secret} encoded p%40ss%20word header Basic ${basic}`, forms);
		expect(text).not.toContain(secret);
		expect(text).not.toContain('p%40ss%20word');
		expect(text).not.toContain(basic);
	});
	it('blanks bearer tokens and token query parameters even when unknown', () => {
		expect(redactText('Authorization: Bearer abcdefghijkl', [])).toBe('Authorization: Bearer [redacted]');
		expect(redactText('https://x.test/cb?access_token=abcdef&x=1', [])).toBe('https://x.test/cb?access_token=[redacted]&x=1');
	});
	it('blanks secret-looking keys in bodies', () => {
		expect(redactValue({ api_secret: 'x', nested: { refresh_token: 'y', note: 'ok' } }, [])).toEqual({
			api_secret: '[redacted]',
			nested: { refresh_token: '[redacted]', note: 'ok' },
		});
	});
	it('a provider error that echoes the secret yields an error without it', () => {
		const echoed = failure(400, { error: { message: `The secret ${secret} is not valid for key-1`, code: 'E_KEY' } });
		const error = toNodeApiError(node, echoed, { provider: 'fiskaly', secrets: secretForms([secret]) });
		const everything = JSON.stringify({ message: error.message, description: error.description, context: error.context, response: (error as unknown as { errorResponse: unknown }).errorResponse });
		expect(error.message).toContain('[redacted]');
		expect(everything).not.toContain(secret);
	});
});

describe('toNodeApiError messages', () => {
	const ctx = { provider: 'Checkfront', secrets: [] };
	it('says what went wrong and what to do, by status', () => {
		const error = toNodeApiError(node, failure(401, { error: 'invalid_token' }), ctx);
		expect(error.message).toBe('Checkfront error 401: invalid_token');
		expect(error.description).toMatch(/credential was rejected/);
		expect(error.httpCode).toBe('401');
	});
	it('explains HTML answers', () => {
		const error = toNodeApiError(node, failure(502, '<html>Bad Gateway</html>'), ctx);
		expect(error.message).toBe('Checkfront error 502: answered with an HTML page instead of JSON');
	});
	it('explains timeouts', () => {
		const error = toNodeApiError(node, Object.assign(new Error('timeout of 50ms exceeded'), { code: 'ECONNABORTED' }), ctx);
		expect(error.message).toBe('Checkfront: no response (ECONNABORTED)');
		expect(error.description).toMatch(/did not answer in time/);
	});
	it('lists validation problems', () => {
		const error = toNodeApiError(node, failure(422, { error: { message: 'Invalid', validation_result: { amount: ['too big'] } } }), ctx);
		expect(error.description).toMatch(/^Problems: amount: too big\./);
	});
	it('uses provider advice when given', () => {
		const error = toNodeApiError(node, failure(403, {}), { ...ctx, adviceByStatus: { 403: 'Add the scope.' } });
		expect(error.description).toBe('Add the scope.');
	});
});
