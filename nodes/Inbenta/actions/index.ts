import { customApiCallResource } from '../../shared/customApiCall';
import type { Resource } from '../../shared/operations';
import { inbentaRequest } from '../transport';
import type { InbentaConnection } from '../transport';
import { chatbot } from './chatbot';
import { knowledge } from './knowledge';
import { search } from './search';

/** Any path of a product API of the instance: the product comes from the discovered `apis` map. */
const customApiCall = customApiCallResource<InbentaConnection>({
	methods: ['DELETE', 'GET', 'PATCH', 'POST', 'PUT'],
	bodyEncoding: 'json',
	pathDescription: "Path under the product's /v1 (the product URL comes from Inbenta's authorization answer)",
	pathPlaceholder: '/contents/popular',
	send: async (call, request) =>
		await inbentaRequest(call, call.ctx.getNodeParameter('product', call.itemIndex, 'knowledge') as string, {
			method: request.method,
			path: request.path,
			qs: request.qs,
			body: request.body,
		}),
});
customApiCall.operations[0].properties.unshift({
	displayName: 'Product Name or ID',
	name: 'product',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getProducts' },
	default: 'knowledge',
	description:
		'The Inbenta product API, from the product URLs of your instance. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
});

export const RESOURCES: Array<Resource<InbentaConnection>> = [chatbot, customApiCall, knowledge, search];
