import type { Resource } from '../../shared/operations';
import { requiredParam } from '../../shared/parameters';
import { inbentaRequest, results } from '../transport';
import type { InbentaConnection } from '../transport';

/** Search API (`{apis.search}/v1`): federated search over the instance's sources. */
export const search: Resource<InbentaConnection> = {
	value: 'search',
	name: 'Search',
	operations: [
		{
			value: 'federatedSearch',
			name: 'Federated Search',
			action: 'Run a federated search',
			description: 'Search every source the Inbenta Search instance federates',
			properties: [
				{ displayName: 'Query', name: 'query', type: 'string', required: true, default: '', description: 'The words to search for' },
				{ displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1 }, default: 50, description: 'Max number of results to return' },
			],
			async execute(call) {
				const limit = call.ctx.getNodeParameter('limit', call.itemIndex, 50) as number;
				const body = { query: requiredParam(call.ctx, 'query', call.itemIndex) };
				const answer = await inbentaRequest(call, 'search', { method: 'POST', path: '/federated-search', body, idempotent: true });
				return results(answer).slice(0, limit);
			},
		},
	],
};
