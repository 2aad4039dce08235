import { buildUrl, encodeForm } from '../../nodes/shared/request';

describe('buildUrl keeps authenticated calls on the provider', () => {
	const base = 'https://acme.checkfront.com/api/3.0';
	it('joins base and path', () => {
		expect(buildUrl(base, '/booking/12')).toBe('https://acme.checkfront.com/api/3.0/booking/12');
		expect(buildUrl(`${base}/`, '/ping')).toBe('https://acme.checkfront.com/api/3.0/ping');
	});
	it.each([
		['https://evil.test/x', /must start with/],
		['//evil.test/x', /not a URL/],
		['/x/https://evil.test', /not a URL/],
		['/..', /"\." or "\.\."/],
		['/a/../../b', /"\." or "\.\."/],
		['/%2e%2e/b', /"\." or "\.\."/],
		['/a\\b', /not a URL/],
		['/a\nb', /not a URL/],
		['/a?b=1', /query fields/],
		['booking', /must start with/],
	])('refuses %j', (path, message) => {
		expect(() => buildUrl(base, path)).toThrow(message);
	});
});

describe('encodeForm', () => {
	it('encodes nested values with PHP brackets', () => {
		expect(encodeForm({ a: 1, b: 'x y', c: { d: 'e', f: [1, 2] }, skip: undefined })).toBe(
			'a=1&b=x%20y&c%5Bd%5D=e&c%5Bf%5D%5B0%5D=1&c%5Bf%5D%5B1%5D=2',
		);
	});
});
