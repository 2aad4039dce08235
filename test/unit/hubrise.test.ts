import { Workflow } from 'n8n-workflow';
import type { INode, INodeTypes } from 'n8n-workflow';

import { HubRiseApi } from '../../credentials/HubRiseApi.credentials';
import { HubRiseOAuth2Api } from '../../credentials/HubRiseOAuth2Api.credentials';
import {
	buildScope,
	hubriseHosts,
	INVALID_OVERRIDE_URL,
	installedAppAuthorizeUrl,
	originExpression,
	parseHubRiseError,
	scopeExpression,
	untilNextWindow,
} from '../../nodes/HubRise/auth';
import type { ScopeChoice } from '../../nodes/HubRise/auth';
import { eventsObject } from '../../nodes/HubRise/actions/callback';
import { hmacSignature, verifyHmacSignature } from '../../nodes/shared/signatures';

/** n8n-workflow's own expression engine, as n8n resolves credential fields with `$self`. */
function evaluate(expression: string, self: object): unknown {
	const node: INode = { id: 'n', name: 'N', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} };
	const type = { description: { properties: [], inputs: [], outputs: [] } };
	const nodeTypes = { getByName: () => type, getByNameAndVersion: () => type, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(node, expression, 'internal', { $self: self, $credentials: self } as never);
}

describe('scope builder', () => {
	// [case, choice, expected]
	const CASES: Array<[string, ScopeChoice, string]> = [
		// The three examples of the HubRise seed.
		['seed: profile_with_email', { accessLevel: 'none', permissions: [], profile: 'profile_with_email' }, 'profile_with_email'],
		['seed: location orders+customers', { accessLevel: 'location', permissions: ['customer_list.write', 'orders.write'] }, 'location[orders.write,customer_list.write]'],
		['seed: account customer_list.read + profile', { accessLevel: 'account', permissions: ['customer_list.read'], profile: 'profile' }, 'account[customer_list.read],profile'],
		['seed: authorize example', { accessLevel: 'location', permissions: ['catalog.read', 'customer_list.write', 'orders.write'] }, 'location[orders.write,customer_list.write,catalog.read]'],
		['the default: least privilege', { accessLevel: 'location', permissions: ['orders.read'], profile: 'none' }, 'location[orders.read]'],
		['read before write, HubRise resource order', { accessLevel: 'location', permissions: ['inventory.write', 'orders.write', 'orders.read', 'catalog.read'] }, 'location[orders.read,orders.write,catalog.read,inventory.write]'],
		['all_* resources', { accessLevel: 'account', permissions: ['all_catalogs.read', 'all_customer_lists.write'] }, 'account[all_customer_lists.write,all_catalogs.read]'],
		['every permission', { accessLevel: 'account', permissions: ['orders.read', 'orders.write', 'customer_list.read', 'customer_list.write', 'catalog.read', 'catalog.write', 'inventory.read', 'inventory.write', 'all_customer_lists.read', 'all_customer_lists.write', 'all_catalogs.read', 'all_catalogs.write'] }, 'account[orders.read,orders.write,customer_list.read,customer_list.write,catalog.read,catalog.write,inventory.read,inventory.write,all_customer_lists.read,all_customer_lists.write,all_catalogs.read,all_catalogs.write]'],
		['level none drops permissions', { accessLevel: 'none', permissions: ['orders.write'], profile: 'profile' }, 'profile'],
		['level without permissions is left out', { accessLevel: 'location', permissions: [], profile: 'profile_with_email' }, 'profile_with_email'],
		['unknown permissions are dropped', { accessLevel: 'location', permissions: ['orders.delete', 'orders.read', 'x'] }, 'location[orders.read]'],
		['duplicates collapse', { accessLevel: 'location', permissions: ['orders.read', 'orders.read'] }, 'location[orders.read]'],
		['unknown level ignored', { accessLevel: 'planet', permissions: ['orders.read'], profile: 'profile' }, 'profile'],
		['custom scope wins, trimmed', { accessLevel: 'location', permissions: ['orders.read'], customScope: '  account[catalog.write],profile  ' }, 'account[catalog.write],profile'],
		['blank custom scope ignored', { accessLevel: 'location', permissions: ['orders.write'], customScope: '   ' }, 'location[orders.write]'],
		['nothing chosen', { accessLevel: 'none', permissions: [], profile: 'none' }, ''],
		['permissions not an array', { accessLevel: 'location', permissions: 'orders.read' }, ''],
	];

	it.each(CASES)('%s', (_name, choice, expected) => {
		expect(buildScope(choice)).toBe(expected);
		// The credential's hidden scope field says the same, through n8n's expression engine.
		expect(evaluate(scopeExpression(), choice)).toBe(expected);
	});

	it('has at least 12 cases, the seed examples among them', () => {
		expect(CASES.length).toBeGreaterThanOrEqual(12);
		expect(CASES.filter(([name]) => name.startsWith('seed:')).length).toBeGreaterThanOrEqual(3);
	});

	it('both credentials put the builder into their scope', () => {
		const oauth = new HubRiseOAuth2Api().properties.find((property) => property.name === 'scope');
		expect(oauth?.default).toBe(scopeExpression());
		expect(new HubRiseApi().properties.map((property) => property.name)).toEqual(expect.arrayContaining(['accessLevel', 'permissions', 'profile', 'customScope']));
	});
});

describe('hosts', () => {
	it('fixed HubRise hosts, the loopback override only', () => {
		expect(hubriseHosts({})).toEqual({ apiBase: 'https://api.hubrise.com/v1', oauthBase: 'https://manager.hubrise.com/oauth2/v1', loopback: false });
		expect(hubriseHosts({ baseUrlOverride: 'http://127.0.0.1:9/' })).toEqual({ apiBase: 'http://127.0.0.1:9/v1', oauthBase: 'http://127.0.0.1:9/oauth2/v1', loopback: true });
		expect(hubriseHosts({ baseUrlOverride: 'https://evil.test' })).toHaveProperty('refused');
	});

	it.each([
		['', 'https://manager.hubrise.com/oauth2/v1/token'],
		['http://127.0.0.1:8080', 'http://127.0.0.1:8080/oauth2/v1/token'],
		['http://localhost:1/', 'http://localhost:1/oauth2/v1/token'],
		['https://api.hubrise.com.evil.test', INVALID_OVERRIDE_URL],
		['http://user:pw@127.0.0.1:1', INVALID_OVERRIDE_URL],
		['http://10.0.0.1:80', INVALID_OVERRIDE_URL],
	])('token URL expression for override %j', (override, expected) => {
		expect(evaluate(originExpression('https://manager.hubrise.com', '/oauth2/v1/token'), { baseUrlOverride: override })).toBe(expected);
	});

	it('installed-app authorize URL', () => {
		expect(installedAppAuthorizeUrl('407408718192.clients.hubrise.com', 'location[orders.write,customer_list.write,catalog.read]')).toBe(
			'https://manager.hubrise.com/oauth2/v1/authorize?redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&client_id=407408718192.clients.hubrise.com&scope=location%5Borders.write%2Ccustomer_list.write%2Ccatalog.read%5D',
		);
	});
});

describe('errors, limits, callbacks', () => {
	it('reads HubRise error bodies', () => {
		expect(parseHubRiseError({ error_type: 'unprocessable_entity', message: 'Validation failed', errors: [{ field: 'status', message: 'is required' }] })).toEqual({
			message: 'Validation failed',
			code: 'unprocessable_entity',
			fields: ['status: is required'],
		});
	});

	it('waits to the next minute boundary without Retry-After', () => {
		const minute = Date.parse('2026-01-01T10:00:00Z');
		expect(untilNextWindow(429, minute + 15_000)).toBe(45_050);
		expect(untilNextWindow(429, minute + 59_990)).toBe(60);
	});

	it('turns chosen events into the callback body', () => {
		expect(eventsObject(['order.create', 'order.update', 'customer.create', 'bad'])).toEqual({ order: ['create', 'update'], customer: ['create'] });
	});
});

describe('verifyHmacSignature (nodes/shared/signatures.ts)', () => {
	const body = Buffer.from('{"id":"ev1","resource_type":"order","event_type":"create"}');
	const secret = 'client-secret-xyz';
	const good = hmacSignature(body, secret);

	it('accepts the hex HMAC-SHA256 of the raw body, any hex case', () => {
		expect(good).toMatch(/^[0-9a-f]{64}$/);
		expect(verifyHmacSignature({ rawBody: body, signature: good, secret })).toEqual({ ok: true });
		expect(verifyHmacSignature({ rawBody: body, signature: good.toUpperCase(), secret })).toEqual({ ok: true });
		expect(verifyHmacSignature({ rawBody: body.toString(), signature: [good], secret })).toEqual({ ok: true });
	});

	it('refuses a body changed by one byte, another secret, a truncated or missing signature', () => {
		const changed = Buffer.from(body);
		changed[changed.length - 2] ^= 1;
		expect(verifyHmacSignature({ rawBody: changed, signature: good, secret })).toEqual({ ok: false, reason: 'signature mismatch' });
		expect(verifyHmacSignature({ rawBody: body, signature: hmacSignature(body, 'other'), secret })).toEqual({ ok: false, reason: 'signature mismatch' });
		expect(verifyHmacSignature({ rawBody: body, signature: good.slice(0, 63), secret })).toEqual({ ok: false, reason: 'signature mismatch' });
		expect(verifyHmacSignature({ rawBody: body, signature: undefined, secret })).toEqual({ ok: false, reason: 'missing signature' });
		expect(verifyHmacSignature({ rawBody: body, signature: good, secret: '' })).toEqual({ ok: false, reason: 'no secret' });
		expect(verifyHmacSignature({ rawBody: undefined, signature: good, secret })).toEqual({ ok: false, reason: 'no raw body' });
	});

	it('supports base64 and a prefix (other providers)', () => {
		const b64 = hmacSignature(body, secret, 'sha256', 'base64');
		expect(verifyHmacSignature({ rawBody: body, signature: `sha256=${b64}`, secret, encoding: 'base64', prefix: 'sha256=' })).toEqual({ ok: true });
		expect(verifyHmacSignature({ rawBody: body, signature: b64, secret, encoding: 'base64', prefix: 'sha256=' })).toEqual({ ok: false, reason: 'signature mismatch' });
	});
});
