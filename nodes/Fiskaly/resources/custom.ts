import { FISKALY_FAMILIES } from '../auth';
import type { FiskalyFamily } from '../auth';
import { call, idempotencyField, json, jsonField, required } from '../transport';
import type { ResourceDefinition } from '../transport';
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

/**
 * Custom API Call: any path of the credential's product, authenticated like every other call. It
 * takes a path, never a URL, so the credential only ever goes to fiskaly's own host (or the
 * loopback override).
 */
export const custom: ResourceDefinition = {
	value: 'custom',
	name: 'Custom API Call',
	families: Object.keys(FISKALY_FAMILIES) as FiskalyFamily[],
	operations: [
		{
			value: 'apiCall',
			name: 'Custom API Call',
			action: 'Make a custom API call',
			description: 'Call any endpoint of the product selected in the credential',
			run: async (f, i) => {
				const method = f.ctx.getNodeParameter('method', i) as IHttpRequestMethods;
				const body = json(f, 'body', i);
				const hasBody = !['GET', 'DELETE'].includes(method) && Object.keys(body).length > 0;
				const response = await call(f, i, method, required(f, 'path', i), { qs: json(f, 'query', i), body: hasBody ? body : undefined });
				return (typeof response === 'object' && response !== null ? response : { response }) as IDataObject;
			},
		},
	],
	fields: [
		{
			displayName: 'Method',
			name: 'method',
			type: 'options',
			default: 'GET',
			options: ['DELETE', 'GET', 'PATCH', 'POST', 'PUT'].map((method) => ({ name: method, value: method })),
			displayOptions: { show: { resource: ['custom'] } },
		},
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			default: '',
			required: true,
			placeholder: '/tss',
			description: "Path under the product's base URL (e.g. /tss for SIGN DE, whose base URL already ends in /api/v2). Query parameters go below.",
			displayOptions: { show: { resource: ['custom'] } },
		},
		jsonField('custom', ['apiCall'], 'query', 'Query Parameters', 'Query parameters as a JSON object, e.g. {"limit": 10}'),
		jsonField('custom', ['apiCall'], 'body', 'Body', 'JSON body for POST, PUT and PATCH'),
		idempotencyField('custom', ['apiCall']),
	],
};
