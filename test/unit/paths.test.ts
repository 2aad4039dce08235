import { pathProblem, pathSegment, segmentProblem } from '../../nodes/shared/paths';
import { buildUrl } from '../../nodes/shared/request';
import { HOSTILE_SEGMENTS } from '../fixtures/hostile';


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
