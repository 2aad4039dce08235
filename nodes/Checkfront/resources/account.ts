import { checkfrontRequest } from '../transport';
import { operationSelector } from './common';
import type { ResourceModule } from './common';

export const account: ResourceModule = {
	operations: operationSelector('account', [
		{ name: 'Ping', value: 'ping', action: 'Ping the account', description: 'Check that the credential reaches the account' },
	]),
	fields: [],

	async run(ctx, api, _operation, itemIndex) {
		return await checkfrontRequest(ctx, api, 'GET', '/ping', itemIndex);
	},
};
