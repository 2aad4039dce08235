import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Operation, Resource } from '../../shared/operations';
import { idParam, requiredParam } from '../../shared/parameters';
import { inbentaRequest, results, single } from '../transport';
import type { InbentaCall, InbentaConnection } from '../transport';

/** Knowledge API (`{apis.knowledge}/v1`): search, contents, categories. Lists arrive under `results`. */

const LENGTH: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
};

const CONTENT_ID: INodeProperties = {
	displayName: 'Content ID',
	name: 'contentId',
	type: 'string',
	required: true,
	default: '',
	description: 'The ID of the content',
};

async function list(call: InbentaCall, path: string, qs: IDataObject = {}): Promise<IDataObject[]> {
	const limit = call.ctx.getNodeParameter('limit', call.itemIndex, 50) as number;
	const records = results(await inbentaRequest(call, 'knowledge', { method: 'GET', path, qs: { ...qs, length: limit } }));
	return records.slice(0, limit);
}

const search: Operation<InbentaConnection> = {
	value: 'search',
	name: 'Search',
	action: 'Search the knowledge base',
	description: 'Find the contents that answer a question',
	properties: [
		{ displayName: 'Query', name: 'query', type: 'string', required: true, default: '', description: 'The question or words to search for' },
		LENGTH,
	],
	async execute(call) {
		const limit = call.ctx.getNodeParameter('limit', call.itemIndex, 50) as number;
		const body = { query: requiredParam(call.ctx, 'query', call.itemIndex), length: limit };
		// A search changes nothing at Inbenta: safe to repeat after a 429.
		const answer = await inbentaRequest(call, 'knowledge', { method: 'POST', path: '/search', body, idempotent: true });
		return results(answer).slice(0, limit);
	},
};

const getContent: Operation<InbentaConnection> = {
	value: 'getContent',
	name: 'Get Content',
	action: 'Get a knowledge content',
	description: 'Get one content by its ID or its slug',
	properties: [
		{
			displayName: 'By',
			name: 'by',
			type: 'options',
			default: 'id',
			options: [
				{ name: 'ID', value: 'id' },
				{ name: 'Slug', value: 'slug' },
			],
		},
		{ ...CONTENT_ID, displayOptions: { show: { by: ['id'] } } },
		{ displayName: 'Slug', name: 'slug', type: 'string', required: true, default: '', description: 'The slug of the content', displayOptions: { show: { by: ['slug'] } } },
	],
	async execute(call) {
		const bySlug = call.ctx.getNodeParameter('by', call.itemIndex, 'id') === 'slug';
		const path = bySlug ? `/contents/slug/${idParam(call.ctx, 'slug', call.itemIndex)}` : `/contents/${idParam(call.ctx, 'contentId', call.itemIndex)}`;
		return single(await inbentaRequest(call, 'knowledge', { method: 'GET', path }));
	},
};

const popular: Operation<InbentaConnection> = {
	value: 'getPopular',
	name: 'Get Popular Contents',
	action: 'Get popular knowledge contents',
	description: 'Get the contents users open most',
	properties: [LENGTH],
	async execute(call) {
		return await list(call, '/contents/popular');
	},
};

const related: Operation<InbentaConnection> = {
	value: 'getRelated',
	name: 'Get Related Contents',
	action: 'Get contents related to a content',
	description: 'Get the contents related to one content',
	properties: [CONTENT_ID, LENGTH],
	async execute(call) {
		return await list(call, `/contents/${idParam(call.ctx, 'contentId', call.itemIndex)}/related`);
	},
};

const categories: Operation<InbentaConnection> = {
	value: 'getCategories',
	name: 'Get Categories',
	action: 'Get knowledge categories',
	description: 'Get the categories of the knowledge base',
	properties: [
		{ displayName: 'Max Depth', name: 'maxDepth', type: 'number', typeOptions: { minValue: 1 }, default: 1, description: 'How many levels of subcategories to include' },
		LENGTH,
	],
	async execute(call) {
		return await list(call, '/categories', { maxDepth: call.ctx.getNodeParameter('maxDepth', call.itemIndex, 1) as number });
	},
};

const categoryContents: Operation<InbentaConnection> = {
	value: 'getCategoryContents',
	name: 'Get Category Contents',
	action: 'Get the contents of a knowledge category',
	description: 'Get the contents of one category',
	properties: [
		{ displayName: 'Category ID', name: 'categoryId', type: 'string', required: true, default: '', description: 'The ID of the category' },
		LENGTH,
	],
	async execute(call) {
		return await list(call, `/categories/${idParam(call.ctx, 'categoryId', call.itemIndex)}/contents`);
	},
};

export const knowledge: Resource<InbentaConnection> = {
	value: 'knowledge',
	name: 'Knowledge',
	operations: [categories, categoryContents, getContent, popular, related, search],
};
