import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import {
	currentRefreshToken,
	fingerprint,
	ficOrigin,
	parseFattureInCloudError,
	parseTokenResponse,
	SCOPE_OPTIONS,
	scopeOf,
	scopesNeeded,
} from '../../nodes/FattureInCloud/auth';
import { FIC_OPERATIONS, FIC_SCOPES } from '../../nodes/FattureInCloud/scopes.generated';
import { operationIdOf } from '../../nodes/FattureInCloud/transport';

/** Fatture in Cloud facts: the generated scopes table, the scope picker, error and token parsing, refresh-token choice. */

const ROOT = path.resolve(__dirname, '../..');
const SPEC = path.join(ROOT, 'scripts/fattureincloud/openapi.yaml');
const GENERATOR = path.join(ROOT, 'scripts/fattureincloud/scopes.mjs');

describe('the scopes table generated from the OpenAPI description', () => {
	it('holds the 44 scopes and the 123 operations of the spec', () => {
		expect(FIC_SCOPES).toHaveLength(44);
		expect(Object.keys(FIC_OPERATIONS)).toHaveLength(123);
		expect(FIC_OPERATIONS.listIssuedDocuments.scopes).toContain('issued_documents.invoices:r');
		expect(FIC_OPERATIONS.createClient).toMatchObject({ method: 'POST', path: '/c/{company_id}/entities/clients', scopes: ['entity.clients:a'] });
		expect(FIC_OPERATIONS.getUserInfo.scopes).toEqual([]);
	});

	it('--check passes on the committed table and fails when the spec changes', () => {
		expect(execFileSync('node', [GENERATOR, '--check', SPEC], { encoding: 'utf8' })).toMatch(/up to date: 44 scopes, 123 operations/);
		const changed = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fic-spec-')), 'openapi.yaml');
		fs.writeFileSync(changed, fs.readFileSync(SPEC, 'utf8').replace('            situation:r: Read permission', '            situation:a: Write permission to the company Situation\n            situation:r: Read permission'));
		expect(() => execFileSync('node', [GENERATOR, '--check', changed], { stdio: 'pipe' })).toThrow(/stale or was edited by hand/);
	});
});

describe('scope picker', () => {
	it('offers each resource as Read, and Read and Write where the spec has it; read-only ones only as Read', () => {
		expect(SCOPE_OPTIONS).toHaveLength(44);
		expect(SCOPE_OPTIONS.find((option) => option.value === 'entity.clients:a')?.name).toBe('Clients registry: Read and Write');
		expect(SCOPE_OPTIONS.filter((option) => option.value.startsWith('situation:')).map((option) => option.value)).toEqual(['situation:r']);
		expect(SCOPE_OPTIONS.filter((option) => option.value.startsWith('emails:')).map((option) => option.value)).toEqual(['emails:r']);
		const names = SCOPE_OPTIONS.map((option) => option.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});

	it('builds the scope string from the picker, the custom field, or the least-privilege default', () => {
		expect(scopeOf({ scopes: ['products:r', 'settings:a'] })).toBe('products:r settings:a');
		expect(scopeOf({ customScopes: true, enabledScopes: ' a:r  b:a ' })).toBe('a:r b:a');
		expect(scopeOf({})).toBe('entity.clients:r issued_documents.invoices:r');
	});

	it('names the scope an operation needs, narrowed by the document type', () => {
		expect(scopesNeeded('listIssuedDocuments', 'quotes')).toEqual(['issued_documents.quotes:r']);
		expect(scopesNeeded('getUserInfo')).toEqual([]);
		expect(operationIdOf('POST', '/c/12345/entities/clients')).toBe('createClient');
		expect(operationIdOf('GET', '/c/1/issued_documents/55')).toBe('getIssuedDocument');
	});
});

describe('answers', () => {
	it('reads API errors with their validation results field by field, and OAuth errors', () => {
		expect(parseFattureInCloudError({ error: { message: 'The given data was invalid.', code: 'VALIDATION_ERROR', validation_result: { 'data.name': ['required'], 'data.vat': 'bad' } } })).toEqual({
			message: 'The given data was invalid.',
			code: 'VALIDATION_ERROR',
			fields: ['data.name: required', 'data.vat: bad'],
		});
		expect(parseFattureInCloudError({ error: 'invalid_grant', error_description: 'expired' })).toEqual({ message: 'expired', code: 'invalid_grant', fields: [] });
	});

	it('parses token responses, with or without a data envelope', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseTokenResponse({ token_type: 'bearer', access_token: 'a/1', refresh_token: 'r/1', expires_in: 86400 }, now)).toEqual({
			accessToken: 'a/1',
			accessTokenExpiresAt: '2026-01-02T00:00:00.000Z',
			mintedAt: now,
			extra: { refreshToken: 'r/1' },
		});
		expect(parseTokenResponse({ data: { access_token: 'a/2' } }, now)?.accessToken).toBe('a/2');
		expect(parseTokenResponse('not json')).toBeUndefined();
	});

	it('accepts only a loopback override', () => {
		expect(ficOrigin({})).toEqual({ url: 'https://api-v2.fattureincloud.it' });
		expect(ficOrigin({ baseUrlOverride: 'http://127.0.0.1:9/' })).toEqual({ url: 'http://127.0.0.1:9' });
		expect(ficOrigin({ baseUrlOverride: 'https://evil.example' })).toHaveProperty('refused');
	});
});

describe('which refresh token to use', () => {
	it('the user field, its stored successor, or a newly pasted one', () => {
		expect(currentRefreshToken({ refreshToken: 'r/1' })).toBe('r/1');
		// n8n overwrote the field with the successor
		expect(currentRefreshToken({ refreshToken: 'r/2', rotatedRefreshToken: 'r/2', rotatedFrom: fingerprint('r/1') })).toBe('r/2');
		// an expression keeps showing r/1: the successor wins
		expect(currentRefreshToken({ refreshToken: 'r/1', rotatedRefreshToken: 'r/2', rotatedFrom: fingerprint('r/1') })).toBe('r/2');
		// the user pasted a new one: theirs wins
		expect(currentRefreshToken({ refreshToken: 'r/9', rotatedRefreshToken: 'r/2', rotatedFrom: fingerprint('r/1') })).toBe('r/9');
		expect(fingerprint('r/1')).not.toContain('r/1');
	});
});
