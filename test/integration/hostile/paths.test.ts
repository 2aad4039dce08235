import { hostileIds, hostilePaths } from '../../fixtures/hostile';
import { allTargets, beforeEachTarget, countItems, countSecrets, escapedRequests, startAll, stopAll, tally } from './targets';

/**
 * Path escapes through n8n-core against the loopback simulators: every spelling of a dot segment,
 * in a Custom API Call path and in an id field, for every credential type of the package and for a
 * provider built only from nodes/shared. Each item carries one hostile value (read by an
 * expression); the run uses Continue On Fail, so every input must come back as one error item, and
 * the simulator must see no request at all.
 */
const sent = { refused: 0, requestsSeen: 0 };

beforeAll(startAll);
afterAll(async () => {
	await stopAll();
	// eslint-disable-next-line no-console
	console.log(`hostile paths: ${tally.cases} cases, ${sent.refused} refused, ${sent.requestsSeen} requests reached a simulator, ${tally.escaped} escaped the API prefix, ${tally.itemsLost} items lost, ${tally.secretsLeaked} secrets leaked`);
});

describe.each(allTargets().map((target) => [target.name, target] as const))('%s', (_name, target) => {
	beforeEach(() => beforeEachTarget(target));

	it.each([
		['Custom API Call path', () => target.custom('={{ $json.value }}'), hostilePaths(target.tokenPath)],
		['id field', () => target.byId('={{ $json.value }}'), hostileIds(target.tokenPath)],
	])('refuses every dot-segment spelling in the %s, before any request', async (_where, parameters, values) => {
		const items = values.map((value) => ({ value }));
		const result = await target.run(parameters(), items, true);
		tally.cases += values.length;
		countItems(result, values.length);
		countSecrets(target, result);
		tally.escaped += escapedRequests(target).length;
		sent.requestsSeen += target.server.requests.length;
		const errors = result.items.filter((item) => typeof item.json.error === 'string');
		sent.refused += errors.length;
		expect(result.items).toHaveLength(values.length);
		for (const item of result.items) expect(item.json.error).toMatch(/"\." or "\.\."|cannot be used in a path|not a URL|control character/);
		expect(target.server.requests).toEqual([]);
	});

	it('still reaches a plain path under the prefix, through the same check', async () => {
		const result = await target.run(target.custom(target.okCustomPath));
		expect(result.error).toBeUndefined();
		expect(target.server.requests.filter((request) => request.path === target.okPath)).toHaveLength(1);
		expect(escapedRequests(target)).toEqual([]);
	});
});
