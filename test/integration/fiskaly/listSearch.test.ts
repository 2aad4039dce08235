import { Fiskaly } from '../../../nodes/Fiskaly/Fiskaly.node';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { FiskalySimulator } from '../../simulators/fiskaly';
import { FiskalyRig } from './setup';

/** The SIGN DE pickers (TSS, clients of the chosen TSS) through n8n-core's LoadOptionsContext. */

const sim = new FiskalySimulator({ tssCount: 150 });
beforeAll(async () => await sim.start());
afterAll(async () => await sim.stop());
beforeEach(() => resetTokenState());

it('lists TSS and, for the chosen TSS, its clients; the token exchange runs as for any call', async () => {
	const rig = new FiskalyRig(sim, 'signDe');
	const created = await rig.run({ resource: 'client', operation: 'create', tssId: '00000000-0000-4000-8000-000000000001', clientId: 'picker-client', serialNumber: 'SN-PICK' });
	expect(created.error).toBeUndefined();
	const tss = await rig.harness.listSearch({ type: 'fiskaly', method: 'searchTss', parameters: { resource: 'tss', operation: 'get' }, credentials: { fiskalyApi: 'fk' } });
	// One page of 100, and a token for the rest.
	expect(tss.results).toHaveLength(100);
	expect(tss.results.map((entry) => entry.value)).toContain('00000000-0000-4000-8000-000000000001');
	const rest = await rig.harness.listSearch({
		type: 'fiskaly',
		method: 'searchTss',
		paginationToken: tss.paginationToken as string,
		parameters: { resource: 'tss', operation: 'get' },
		credentials: { fiskalyApi: 'fk' },
	});
	expect(rest.results.length).toBe(sim.tss.size - 100);
	expect(rest.paginationToken).toBeUndefined();
	const clients = await rig.harness.listSearch({
		type: 'fiskaly',
		method: 'searchClients',
		filter: 'SN-PICK',
		parameters: { resource: 'client', operation: 'get', tssId: { __rl: true, mode: 'list', value: '00000000-0000-4000-8000-000000000001' } },
		credentials: { fiskalyApi: 'fk' },
	});
	expect(clients.results).toEqual([expect.objectContaining({ value: 'picker-client', name: expect.stringContaining('SN-PICK') })]);
	expect(new Fiskaly().methods.listSearch.searchClients).toBeDefined();
});
