import { pathProblem, pathSegment, segmentProblem } from '../../nodes/shared/paths';
import { buildUrl } from '../../nodes/shared/request';

/** Every spelling of a dot segment we know of; each must be refused in a path and in an id. */
export const HOSTILE_SEGMENTS = [
	'.', '..', '...', '.%2e', '%2e.', '%2e%2e', '%2E%2e', '%2E%2E', '.%2E', '%2e',
	'%252e%252e', '%25252e%25252e', '.%252e', '%252E.',
	'..;', '..;jsessionid=x', '.;x', '%2e%2e;a=b',
	'.. ', '..%20', '..%09', '..%00', '. .', '..%2f', '..%2F..', '..%5c', '..%5C..', '%2e%2e%5c',
	'%c0%ae%c0%ae', '%e0%80%ae%e0%80%ae', '%u002e%u002e', '\uff0e\uff0e', '%ef%bc%8e%ef%bc%8e', '\u2024\u2024',
	'a%2f..%2fb', '%25%32%65%25%32%65', '%%32%65%%32%65',
];

const SAFE = ['tss', 'a.b', '.well-known', 'v1.2', '..a', 'a..', 'CFPP-290317', 'x%20y', '2024-01-01', 'file.json'];

describe('dot segments in every spelling', () => {
	it.each(HOSTILE_SEGMENTS)('refuses %j as a path segment and as an id', (segment) => {
		expect(segmentProblem(segment)).toBeDefined();
		expect(pathProblem(`/a/${segment}/b`)).toBeDefined();
		expect(() => pathSegment(segment)).toThrow(/cannot be used in a path/);
		expect(() => buildUrl('https://acme.checkfront.com/api/3.0', `/${segment}/oauth/token`)).toThrow();
	});

	it.each(SAFE)('lets %j through', (segment) => {
		expect(segmentProblem(segment)).toBeUndefined();
		expect(buildUrl('https://h.test/api/3.0', `/${segment}`)).toMatch(/^https:\/\/h\.test\/api\/3\.0\//);
	});

	it('percent-encodes an id, and refuses an empty one', () => {
		expect(pathSegment(' CF/12 ')).toBe('CF%2F12');
		expect(pathSegment(42)).toBe('42');
		expect(() => pathSegment('  ', 'bookingId')).toThrow('"bookingId" must not be empty');
		expect(() => pathSegment(undefined)).toThrow(/must not be empty/);
	});

	it('keeps a call under the API prefix', () => {
		expect(() => buildUrl('https://h.test/api/3.0', '/.%2e/.%2e/oauth/token')).toThrow(/"\." or "\.\."/);
		expect(buildUrl('https://h.test/api/3.0', '/a//b/')).toBe('https://h.test/api/3.0/a//b/');
	});
});
