import type { IHttpRequestMethods } from 'n8n-workflow';

import { apiPath, checkfrontRequest } from '../transport';
import { operationSelector, pairs, showFor } from './common';
import type { ResourceModule } from './common';

function nameValue(displayName: string, name: string, description: string) {
	return {
		displayName,
		name,
		type: 'fixedCollection' as const,
		typeOptions: { multipleValues: true },
		placeholder: 'Add Parameter',
		displayOptions: showFor('customApiCall', ['call']),
		default: {},
		description,
		options: [
			{
				displayName: 'Parameter',
				name: 'values',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string' as const, default: '' },
					{ displayName: 'Value', name: 'value', type: 'string' as const, default: '' },
				],
			},
		],
	};
}

/** Any Checkfront endpoint under /api/3.0/, with the credential applied. A path, never a URL. */
export const customApiCall: ResourceModule = {
	operations: operationSelector('customApiCall', [
		{ name: 'Call', value: 'call', action: 'Make a custom API call', description: 'Call any path under /api/3.0/' },
	]),
	fields: [
		{
			displayName: 'Method',
			name: 'method',
			type: 'options',
			displayOptions: showFor('customApiCall', ['call']),
			options: [
				{ name: 'DELETE', value: 'DELETE' },
				{ name: 'GET', value: 'GET' },
				{ name: 'POST', value: 'POST' },
				{ name: 'PUT', value: 'PUT' },
			],
			default: 'GET',
		},
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			required: true,
			displayOptions: showFor('customApiCall', ['call']),
			default: '',
			placeholder: '/booking/CFPP-290317/invoice',
			description: 'Path under /api/3.0/ on your Checkfront host (the host comes from the credential)',
		},
		nameValue('Query Parameters', 'query', 'Query string parameters'),
		nameValue('Form Body', 'body', 'Form fields (sent form-urlencoded; use names like param[adults] for arrays)'),
	],

	async run(ctx, api, _operation, itemIndex) {
		const method = ctx.getNodeParameter('method', itemIndex) as IHttpRequestMethods;
		const path = apiPath(ctx.getNodeParameter('path', itemIndex) as string);
		const qs = pairs(ctx.getNodeParameter('query', itemIndex, {}));
		const body = pairs(ctx.getNodeParameter('body', itemIndex, {}));
		return await checkfrontRequest(ctx, api, method, path, itemIndex, {
			qs,
			body: Object.keys(body).length > 0 ? body : undefined,
		});
	},
};
