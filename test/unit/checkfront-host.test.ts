import type { INode, INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { HOST_PATTERN, INVALID_HOST_URL, hostExpression, isAllowedRedirect, normaliseHost } from '../../nodes/Checkfront/auth';

/**
 * The host table: what may receive Checkfront credentials. The same table runs through the
 * TypeScript validator (node, request time) and through the credential expressions as n8n's own
 * expression engine evaluates them, so the two cannot drift apart.
 */

const GOOD: Array<[string, string]> = [
	['acme', 'https://acme.checkfront.com'],
	['ACME-Tours', 'https://acme-tours.checkfront.com'],
	['acme.checkfront.com', 'https://acme.checkfront.com'],
	['https://acme.checkfront.com', 'https://acme.checkfront.com'],
	['https://acme.checkfront.com/', 'https://acme.checkfront.com'],
	['  https://Acme.CheckFront.com/api/3.0/booking  ', 'https://acme.checkfront.com'],
	['acme.checkfront.com/reserve/', 'https://acme.checkfront.com'],
	['acme.manage.na1.bookingplatform.app', 'https://acme.manage.na1.bookingplatform.app'],
	['https://acme.manage.eu1.bookingplatform.app/', 'https://acme.manage.eu1.bookingplatform.app'],
	['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
	['http://localhost:5678/', 'http://localhost:5678'],
	['http://[::1]:9000/some/path', 'http://[::1]:9000'],
	['https://127.0.0.1:8443', 'https://127.0.0.1:8443'],
];

const HOSTILE: Array<[string, RegExp]> = [
	['', /empty/],
	['evil.test', /not a Checkfront host/],
	['https://checkfront.com.evil.test', /not a Checkfront host/],
	['acme.checkfront.com.evil.test', /not a Checkfront host/],
	['evil.test/x.checkfront.com', /evil\.test is not a Checkfront host/],
	['https://evil.test/acme.checkfront.com', /evil\.test is not a Checkfront host/],
	['https://acme.checkfront.com@evil.test', /user name or password/],
	['https://user:pw@acme.checkfront.com', /user name or password/],
	['acme.checkfront.com:8443', /takes no port/],
	['https://acme.checkfront.com:444/', /takes no port/],
	['http://acme.checkfront.com', /only reached over https/],
	['10.0.0.5', /IP addresses/],
	['http://192.168.1.10:8080', /IP addresses/],
	['http://[::ffff:127.0.0.1]:8080', /IP addresses/],
	['http://127.0.0.2:8080', /IP addresses/],
	['127.0.0.1:8080', /written as a URL with its scheme/],
	['localhost.evil.test', /not a Checkfront host/],
	['http://localhost.evil.test:8080', /not a Checkfront host/],
	['acme.manage.us9.bookingplatform.app', /not a Checkfront host/],
	['a.b.checkfront.com', /not a Checkfront host/],
	['checkfront.com', /not a Checkfront host/],
	['ftp://acme.checkfront.com', /scheme "ftp"/],
	['https://evil.test\\@acme.checkfront.com', /backslashes/],
	['acme .checkfront.com', /spaces/],
	['-acme.checkfront.com', /not a Checkfront host/],
];

/** Resolves an expression the way n8n resolves a credential's hidden field defaults ($self = the credential data). */
function evaluate(expression: string, host: string, source: '$self' | '$credentials' = '$self'): unknown {
	const nodeTypes = { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const workflow = new Workflow({ id: 'w', nodes: [], connections: {}, nodeTypes, active: false, settings: {} });
	const node = { name: '', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} } as unknown as INode;
	if (source === '$credentials') {
		// How n8n resolves a credential test request: $credentials holds the decrypted data.
		return workflow.expression.getSimpleParameterValue(node, expression, 'internal', { $credentials: { host } } as never);
	}
	const data = { host, url: expression };
	const resolved = workflow.expression.getComplexParameterValue(node, data as never, 'internal', {} as never, undefined, undefined, data) as {
		url: unknown;
	};
	return resolved.url;
}

describe('Checkfront host validation', () => {
	expect(GOOD.length + HOSTILE.length).toBeGreaterThanOrEqual(12);

	it.each(GOOD)('accepts %j as %s', (input, origin) => {
		const result = normaliseHost(input);
		expect(result).toMatchObject({ ok: true, origin });
	});

	it.each(HOSTILE)('refuses %j', (input, reason) => {
		const result = normaliseHost(input);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.reason).toMatch(reason);
		// The message says what is expected, not only what is wrong.
		expect(result.message).toContain('your-company.checkfront.com');
		expect(result.message).toContain('http://127.0.0.1:8080');
		// Userinfo typed into the host is never echoed back.
		expect(result.message).not.toMatch(/user:pw|acme\.checkfront\.com@/);
	});

	it('marks loopback origins, and only those', () => {
		expect(normaliseHost('http://127.0.0.1:1')).toMatchObject({ ok: true, loopback: true });
		expect(normaliseHost('acme')).toMatchObject({ ok: true, loopback: false });
		expect(normaliseHost('http://127.0.0.1:70000')).toMatchObject({ ok: false });
	});

	it.each(GOOD)('the credential expression normalises %j exactly like the node', (input, origin) => {
		expect(evaluate(hostExpression('/oauth/token/'), input)).toBe(`${origin}/oauth/token/`);
	});

	it.each(GOOD)('the credential test expression ($credentials) normalises %j alike', (input, origin) => {
		expect(evaluate(hostExpression('/api/3.0', '$credentials'), input, '$credentials')).toBe(`${origin}/api/3.0`);
	});

	it.each(HOSTILE)('the credential expressions yield an unusable URL for %j', (input) => {
		expect(HOST_PATTERN.test(input.trim())).toBe(false);
		expect(evaluate(hostExpression('/oauth/'), input)).toBe(INVALID_HOST_URL);
		expect(evaluate(hostExpression('/api/3.0', '$credentials'), input, '$credentials')).toBe(INVALID_HOST_URL);
	});
});

describe('Checkfront redirect policy (host migration)', () => {
	const cases: Array<[string, boolean, boolean]> = [
		['https://acme.manage.na1.bookingplatform.app/api/3.0/ping', false, true],
		['https://acme.checkfront.com/api/3.0/ping', false, true],
		['http://acme.manage.na1.bookingplatform.app/api/3.0/ping', false, false],
		['https://acme.manage.na1.bookingplatform.app:8443/api/3.0/ping', false, false],
		['https://evil.test/api/3.0/ping', false, false],
		['https://u:p@acme.checkfront.com/api/3.0/ping', false, false],
		// A real account is never sent to a loopback address...
		['http://127.0.0.1:9999/api/3.0/ping', false, false],
		// ...but a loopback (simulator) account may move to another loopback simulator.
		['http://127.0.0.1:9999/api/3.0/ping', true, true],
		['http://localhost:9999/api/3.0/ping', true, true],
		['http://10.0.0.1:9999/api/3.0/ping', true, false],
		['https://acme.manage.eu1.bookingplatform.app/api/3.0/ping', true, true],
	];
	it.each(cases)('%s (configured loopback: %s) -> %s', (url, loopback, allowed) => {
		expect(isAllowedRedirect(new URL(url), loopback)).toBe(allowed);
	});
});
