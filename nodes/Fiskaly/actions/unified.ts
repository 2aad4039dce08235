import type { INodeProperties } from 'n8n-workflow';

import { IDEMPOTENCY_KEY } from '../../shared/customApiCall';
import { LIST_PROPERTIES } from '../../shared/descriptions';
import type { Operation, Resource } from '../../shared/operations';
import { idParam, jsonObjectParam } from '../../shared/parameters';
import { fiskalyCall, fiskalyList } from '../transport';
import type { FiskalyCall, FiskalyConnection } from '../transport';
import { onlyFor } from './family';

/**
 * The unified API (SIGN IT, SIGN FR, E-Invoice): systems and records, and the read side of entities
 * and subjects. Bodies travel in a `content` envelope; POST/PATCH carry an X-Idempotency-Key (see
 * fiskalyCall), every request X-Api-Version and, when set, X-Scope-Identifier (the credential).
 */

interface Collection {
	value: string;
	name: string;
	path: string;
	id: INodeProperties;
	one: string;
	many: string;
}

const CONTENT: INodeProperties = {
	displayName: 'Content',
	name: 'content',
	type: 'json',
	default: '{}',
	description: 'The body\'s "content" object, as the fiskaly API reference describes it for this resource',
};

const one = (collection: Collection, call: FiskalyCall) => `${collection.path}/${idParam(call.ctx, collection.id.name, call.itemIndex)}`;
const content = ({ ctx, itemIndex }: FiskalyCall) => ({ content: jsonObjectParam(ctx, 'content', itemIndex) });

function collectionResource(collection: Collection, writes: Array<'create' | 'update'> = []): Resource<FiskalyConnection> {
	const operations: Array<Operation<FiskalyConnection>> = [
		{
			value: 'get',
			name: 'Get',
			action: `Get ${collection.one}`,
			description: `Retrieve ${collection.one}`,
			properties: [collection.id],
			execute: async (call) => await fiskalyCall(call, 'GET', one(collection, call)),
		},
		{
			value: 'getAll',
			name: 'Get Many',
			action: `Get many ${collection.many}`,
			description: `List ${collection.many}`,
			properties: LIST_PROPERTIES,
			execute: async (call) => await fiskalyList(call, collection.path),
		},
	];
	if (writes.includes('create')) {
		operations.push({
			value: 'create',
			name: 'Create',
			action: `Create ${collection.one}`,
			description: `Create ${collection.one} (POST with an idempotency key)`,
			properties: [CONTENT, IDEMPOTENCY_KEY],
			execute: async (call) => await fiskalyCall(call, 'POST', collection.path, { body: content(call) }),
		});
	}
	if (writes.includes('update')) {
		operations.push({
			value: 'update',
			name: 'Update',
			action: `Update ${collection.one}`,
			description: `Update ${collection.one} (PATCH with an idempotency key)`,
			properties: [collection.id, CONTENT, IDEMPOTENCY_KEY],
			execute: async (call) => await fiskalyCall(call, 'PATCH', one(collection, call), { body: content(call) }),
		});
	}
	return { value: collection.value, name: collection.name, unavailable: onlyFor('unified'), operations };
}

const idField = (displayName: string, name: string, what: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	required: true,
	default: '',
	description: `ID of ${what}`,
});

export const UNIFIED = [
	collectionResource({ value: 'system', name: 'Unified: System', path: '/systems', id: idField('System ID', 'systemId', 'a system'), one: 'a system', many: 'systems' }, ['create', 'update']),
	collectionResource({ value: 'record', name: 'Unified: Record', path: '/records', id: idField('Record ID', 'recordId', 'a record'), one: 'a record', many: 'records' }, ['create']),
	collectionResource({ value: 'entity', name: 'Unified: Entity', path: '/entities', id: idField('Entity ID', 'entityId', 'an entity'), one: 'an entity', many: 'entities' }),
	collectionResource({ value: 'subject', name: 'Unified: Subject', path: '/subjects', id: idField('Subject ID', 'subjectId', 'a subject'), one: 'a subject', many: 'subjects' }),
];
