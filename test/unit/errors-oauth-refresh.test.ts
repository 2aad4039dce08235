import { AuthError } from '@n8n/client-oauth2';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { toNodeApiError } from '../../nodes/shared/errors';
import { oauthRefreshFailure } from '../../nodes/shared/failures';

/**
 * The shapes n8n-core hands over when an OAuth2 refresh fails, built with this repo's (2.x)
 * n8n-workflow, whose NodeApiError keeps the wrapped error. What 1.x really hands over (a wrapper
 * that dropped the AuthError) is tested with each line's own classes in
 * test/e2e/lines-failures.e2e.test.ts.
 */
const node = { id: '1', name: 'Node', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
const context = { provider: 'Acme', secrets: ['rt-secret-value'] };

function wrapped(error: Error): NodeApiError {
	return new NodeApiError(node, error as never);
}

describe('failed OAuth2 refresh -> reconnect advice (any provider)', () => {
	it('n8n-core 2.x: "needs to be reconnected" with failure.cause credential-invalid', () => {
		const inner = new NodeOperationError(node, 'The credential "Acme account" needs to be reconnected.', {
			description: 'Access could not be refreshed ...',
			failure: { cause: 'credential-invalid' },
		});
		const error = toNodeApiError(node, wrapped(inner), context);
		expect(oauthRefreshFailure(wrapped(inner))).toEqual({ kind: 'reconnect', code: 'invalid_grant' });
		expect(error.message).toMatch(/reconnect the credential/);
		expect(error.description).toMatch(/click Reconnect/);
		expect(error.failure).toEqual({ cause: 'credential-invalid' });
	});

	it('an AuthError of @n8n/client-oauth2 kept inside the wrapper (invalid_grant)', () => {
		const auth = new AuthError('The provided authorization grant ... or refresh token is invalid, expired, revoked ...', {
			error: 'invalid_grant',
			error_description: 'Refresh token rt-secret-value is invalid or expired',
		});
		const error = toNodeApiError(node, wrapped(auth), context);
		expect(error.message).toMatch(/expired or was revoked; reconnect the credential/);
		expect(error.message).not.toMatch(/RFC|authorization grant/);
		expect(JSON.stringify(error)).not.toContain('rt-secret-value');
	});

	it('a refused client secret says to check the client credentials', () => {
		const auth = new AuthError('Client authentication failed', { error: 'invalid_client' });
		const error = toNodeApiError(node, wrapped(auth), context);
		expect(error.message).toMatch(/refused the client ID and secret \(invalid_client\)/);
	});

	it('a token without refresh token', () => {
		const plain = new Error('OAuth access token expired and no refresh token is available. Please reconnect the credentials.');
		expect(oauthRefreshFailure(wrapped(plain))).toEqual({ kind: 'reconnect' });
	});

	it('leaves every other error alone', () => {
		expect(oauthRefreshFailure(new Error('socket hang up'))).toBeUndefined();
		expect(oauthRefreshFailure({ response: { status: 401, data: { error: 'invalid_token' } } })).toBeUndefined();
		const error = toNodeApiError(node, { response: { status: 404, data: { message: 'nope' } } }, context);
		expect(error.message).toBe('Acme error 404: nope');
	});
});
