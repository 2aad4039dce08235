import { domainOrigin, inbentaAuthenticate, parseApis, parseAuthResponse, parseInbentaError, productUrlProblem, tokenTargetProblem, inbentaSettings } from '../../nodes/Inbenta/auth';
import { newerToken, renewAtFor, renewalPlan } from '../../nodes/shared/renewal';

describe('Inbenta product URLs', () => {
	it.each([
		['https://api-gce3.inbenta.io/prod/chatbot', false],
		['https://inbenta.io/km', false],
		['https://eu.inbenta.com/prod/search', false],
		['http://127.0.0.1:4000/prod/chatbot', true],
		['http://localhost:4000/x', true],
	])('accepts %s', (url, loopback) => {
		expect(productUrlProblem(url, loopback)).toBeUndefined();
	});

	it.each([
		['https://evil.example/prod/chatbot', 'evil.example is not an Inbenta host'],
		['https://api.inbenta.io.evil.example', 'api.inbenta.io.evil.example is not an Inbenta host'],
		['https://evilinbenta.io', 'evilinbenta.io is not an Inbenta host'],
		['http://api.inbenta.io/prod', 'not reached over https'],
		['https://user:pw@api.inbenta.io', 'user name or password'],
		['https://api.inbenta.io/x?token=1', 'query or fragment'],
		['http://127.0.0.1:4000/prod', 'accepted only with the loopback override'],
		['not a url', 'not a URL'],
	])('refuses %s', (url, why) => {
		expect(productUrlProblem(url, false)).toContain(why);
	});

	it('the token goes only to the Auth API or an accepted product host', () => {
		const settings = inbentaSettings({ flow: 'apiSecret', apiKey: 'k', apiSecret: 's' });
		if ('refused' in settings) throw new Error(settings.refused);
		expect(tokenTargetProblem(settings, 'https://api.inbenta.io/v1/apis')).toBeUndefined();
		expect(tokenTargetProblem(settings, 'https://api-gce3.inbenta.io/prod/km/v1/search')).toBeUndefined();
		expect(tokenTargetProblem(settings, 'https://example.com/v1/apis')).toContain('example.com');
	});

	it('refuses a non-loopback override and a domain with a path', () => {
		expect(inbentaSettings({ baseUrlOverride: 'https://evil.example' })).toEqual({ refused: expect.stringContaining('loopback') });
		expect(domainOrigin('www.example.com')).toEqual({ origin: 'https://www.example.com' });
		expect(domainOrigin('https://www.example.com/path')).toEqual({ refused: expect.stringContaining('host name') });
	});
});

describe('Inbenta answers', () => {
	it('reads the /auth answer with epoch-second expiration and the apis map', () => {
		const parsed = parseAuthResponse({ accessToken: 'tok', expiration: 2_000_000_000, expires_in: 1200, apis: { chatbot: 'https://a.inbenta.io/prod/chatbot/' } });
		expect(parsed).toEqual({ accessToken: 'tok', expiresAt: new Date(2_000_000_000_000).toISOString(), apis: { chatbot: 'https://a.inbenta.io/prod/chatbot' } });
		expect(parseAuthResponse({ message: 'Unauthorized' })).toBeUndefined();
		expect(parseApis('{"km":"https://x.inbenta.io/km"}')).toEqual({ km: 'https://x.inbenta.io/km' });
		expect(parseApis('not json')).toEqual({});
	});

	it('reads the three error shapes', () => {
		expect(parseInbentaError({ error: { code: 400, message: 'Bad' } })).toEqual(expect.objectContaining({ message: 'Bad' }));
		expect(parseInbentaError({ errors: [{ code: 'SESSION_EXPIRED', message: 'Session expired' }] })).toEqual(expect.objectContaining({ message: 'Session expired', code: 'SESSION_EXPIRED' }));
		expect(parseInbentaError({ message: 'Unauthorized' })).toEqual(expect.objectContaining({ message: 'Unauthorized' }));
	});
});

describe('renewal plan (shared/renewal.ts)', () => {
	const now = Date.parse('2030-01-01T00:00:00Z');
	const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();

	it('renews 180 s ahead for a 20-minute token, a quarter of the life for a short one', () => {
		expect(renewAtFor(at(1200), 180, now)).toBe(at(1020));
		expect(renewAtFor(at(60), 180, now)).toBe(at(45));
		expect(renewAtFor('', 180, now)).toBe('');
	});

	it('use, renew, reauth, none', () => {
		const token = { accessToken: 't', expiresAt: at(60), renewAt: at(45) };
		expect(renewalPlan(token, now)).toBe('use');
		expect(renewalPlan(token, now + 46_000)).toBe('renew');
		expect(renewalPlan(token, now + 59_600)).toBe('reauth');
		expect(renewalPlan(undefined, now)).toBe('none');
		expect(renewalPlan({ accessToken: 't', expiresAt: '', renewAt: '' }, now)).toBe('use');
	});

	it('the later-expiring token wins', () => {
		const a = { accessToken: 'a', expiresAt: at(10), renewAt: '' };
		const b = { accessToken: 'b', expiresAt: at(20), renewAt: '' };
		expect(newerToken(a, b)).toBe(b);
		expect(newerToken(b, a)).toBe(b);
		expect(newerToken(undefined, a)).toBe(a);
		expect(newerToken({ accessToken: '', expiresAt: '', renewAt: '' }, undefined)).toBeUndefined();
	});
});

describe('Inbenta authenticate (also what the HTTP Request node gets)', () => {
	const credentials = { flow: 'apiSecret', apiKey: 'key-1234', apiSecret: 'secret-1234', accessToken: 'tok-1234' };

	it('signs the Auth API and Inbenta hosts, with url, uri (legacy helper) or baseURL + url', () => {
		for (const options of [
			{ url: 'https://api.inbenta.io/v1/apis' },
			{ uri: 'https://api-gce3.inbenta.io/prod/km/v1/search' },
			{ baseURL: 'https://api.inbenta.io/v1', url: '/apis' },
		]) {
			const signed = inbentaAuthenticate(credentials, { ...options } as never);
			expect(signed.headers).toEqual(expect.objectContaining({ 'x-inbenta-key': 'key-1234', Authorization: 'Bearer tok-1234' }));
		}
	});

	it('refuses any other host, naming it, and signs nothing', () => {
		const options = { url: 'https://collector.example/steal', headers: {} };
		expect(() => inbentaAuthenticate(credentials, options as never)).toThrow(/collector\.example is not an Inbenta host/);
		expect(options.headers).toEqual({});
	});
});
