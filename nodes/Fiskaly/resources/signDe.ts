import { call, getAllOperation, getOperation, id, json, jsonField, listFields, newId, str, textField } from '../transport';
import type { Fiskaly, ResourceDefinition } from '../transport';

/** SIGN DE v2: technical security systems (TSS), their clients, and transactions. */

const TSS_ID = 'tssId';

function tssPath(f: Fiskaly, itemIndex: number): string {
	return `/tss/${id(f, TSS_ID, itemIndex)}`;
}

const tssIdField = (resource: string, operations: string[]) =>
	textField(resource, operations, TSS_ID, 'TSS ID', 'UUID of the technical security system');

export const tss: ResourceDefinition = {
	value: 'tss',
	name: 'SIGN DE: TSS',
	families: ['signDe'],
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a TSS',
			description: 'Create a technical security system (PUT with a client-chosen UUID)',
			run: async (f, i) => await call(f, i, 'PUT', `/tss/${newId(f, 'newTssId', i)}`, { body: json(f, 'metadata', i) }),
		},
		getOperation('a TSS', tssPath),
		getAllOperation('TSS', () => '/tss'),
		{
			value: 'initialize',
			name: 'Change State (Initialise)',
			action: 'Change the state of a TSS',
			description: 'Move a TSS to UNINITIALIZED, INITIALIZED or DISABLED (initialising needs an authenticated admin)',
			run: async (f, i) => await call(f, i, 'PATCH', tssPath(f, i), { body: { state: str(f, 'state', i) } }),
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a TSS',
			description: 'Update fields of a TSS, such as its metadata',
			run: async (f, i) => await call(f, i, 'PATCH', tssPath(f, i), { body: json(f, 'fields', i) }),
		},
	],
	fields: [
		tssIdField('tss', ['get', 'initialize', 'update']),
		textField('tss', ['create'], 'newTssId', 'TSS ID', 'UUID for the new TSS; leave empty to generate one', false),
		jsonField('tss', ['create'], 'metadata', 'Body', 'Request body, e.g. {"metadata": {"store": "Berlin 1"}}'),
		jsonField('tss', ['update'], 'fields', 'Fields', 'Fields to change, e.g. {"metadata": {"store": "Berlin 2"}}'),
		{
			displayName: 'State',
			name: 'state',
			type: 'options',
			default: 'INITIALIZED',
			options: [
				{ name: 'Uninitialized', value: 'UNINITIALIZED' },
				{ name: 'Initialized', value: 'INITIALIZED' },
				{ name: 'Disabled', value: 'DISABLED' },
			],
			displayOptions: { show: { resource: ['tss'], operation: ['initialize'] } },
		},
		...listFields('tss'),
	],
};

export const client: ResourceDefinition = {
	value: 'client',
	name: 'SIGN DE: Client',
	families: ['signDe'],
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a client',
			description: 'Register a client (cash register) with a TSS',
			run: async (f, i) =>
				await call(f, i, 'PUT', `${tssPath(f, i)}/client/${newId(f, 'clientId', i)}`, {
					body: { serial_number: str(f, 'serialNumber', i) },
				}),
		},
		getOperation('a client', (f, i) => `${tssPath(f, i)}/client/${id(f, 'clientId', i)}`),
		getAllOperation('clients', (f, i) => `${tssPath(f, i)}/client`),
	],
	fields: [
		tssIdField('client', ['create', 'get', 'getAll']),
		textField('client', ['create'], 'clientId', 'Client ID', 'UUID for the new client; leave empty to generate one', false),
		textField('client', ['get'], 'clientId', 'Client ID', 'UUID of the client'),
		textField('client', ['create'], 'serialNumber', 'Serial Number', 'Serial number of the cash register'),
		...listFields('client'),
	],
};

/** PUT /tss/{tss}/tx/{tx}?tx_revision=N: fiskaly's one call that starts, updates and finishes a transaction. */
async function putTransaction(f: Fiskaly, i: number, state: 'ACTIVE' | 'FINISHED', revision: number, txId: string) {
	const body = { state, client_id: str(f, 'clientId', i), ...json(f, 'transactionData', i) };
	return await call(f, i, 'PUT', `${tssPath(f, i)}/tx/${txId}`, { body, qs: { tx_revision: revision } });
}

const revision = (f: Fiskaly, i: number) => Number(f.ctx.getNodeParameter('txRevision', i, 2));

export const transaction: ResourceDefinition = {
	value: 'transaction',
	name: 'SIGN DE: Transaction',
	families: ['signDe'],
	operations: [
		{
			value: 'finish',
			name: 'Finish',
			action: 'Finish a transaction',
			description: 'Finish a transaction with its receipt data (state FINISHED)',
			run: async (f, i) => await putTransaction(f, i, 'FINISHED', revision(f, i), id(f, 'txId', i)),
		},
		getOperation('a transaction', (f, i) => `${tssPath(f, i)}/tx/${id(f, 'txId', i)}`),
		getAllOperation('transactions', (f, i) => `${tssPath(f, i)}/tx`),
		{
			value: 'start',
			name: 'Start',
			action: 'Start a transaction',
			description: 'Start a transaction (revision 1, state ACTIVE)',
			run: async (f, i) => await putTransaction(f, i, 'ACTIVE', 1, newId(f, 'newTxId', i)),
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a transaction',
			description: 'Update an active transaction (state ACTIVE)',
			run: async (f, i) => await putTransaction(f, i, 'ACTIVE', revision(f, i), id(f, 'txId', i)),
		},
	],
	fields: [
		tssIdField('transaction', ['start', 'update', 'finish', 'get', 'getAll']),
		textField('transaction', ['start'], 'newTxId', 'Transaction ID', 'UUID for the new transaction; leave empty to generate one', false),
		textField('transaction', ['update', 'finish', 'get'], 'txId', 'Transaction ID', 'UUID of the transaction'),
		textField('transaction', ['start', 'update', 'finish'], 'clientId', 'Client ID', 'UUID of the client (cash register) signing the transaction'),
		{
			displayName: 'Transaction Revision',
			name: 'txRevision',
			type: 'number',
			typeOptions: { minValue: 2 },
			default: 2,
			description: 'Sent as tx_revision: the latest revision of the transaction plus one',
			displayOptions: { show: { resource: ['transaction'], operation: ['update', 'finish'] } },
		},
		jsonField(
			'transaction',
			['start', 'update', 'finish'],
			'transactionData',
			'Transaction Data',
			'Merged into the body, e.g. {"schema": {"standard_v1": {"receipt": {"receipt_type": "RECEIPT", "amounts_per_vat_rate": [{"vat_rate": "NORMAL", "amount": "21.42"}], "amounts_per_payment_type": [{"payment_type": "CASH", "amount": "21.42"}]}}}}',
		),
		...listFields('transaction'),
	],
};
