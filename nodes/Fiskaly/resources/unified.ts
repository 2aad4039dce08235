import { call, getAllOperation, getOperation, id, idempotencyField, json, jsonField, listFields, textField } from '../transport';
import type { Fiskaly, ResourceDefinition } from '../transport';

/**
 * The unified API (SIGN IT, SIGN FR, E-Invoice): systems and records, and the read side of entities
 * and subjects. Bodies travel in a `content` envelope; POST/PATCH carry an X-Idempotency-Key (see
 * transport.call), every request X-Api-Version and, when set, X-Scope-Identifier (the credential).
 */

const content = (f: Fiskaly, i: number) => ({ content: json(f, 'content', i) });

interface Spec {
	value: string;
	name: string;
	path: string;
	idName: string;
	idLabel: string;
	one: string;
	many: string;
}

/** A resource with Get and Get Many; `extra` adds writes. */
function readable(spec: Spec, extra: Pick<ResourceDefinition, 'operations' | 'fields'> = { operations: [], fields: [] }): ResourceDefinition {
	const one = (f: Fiskaly, i: number) => `${spec.path}/${id(f, spec.idName, i)}`;
	const idOperations = ['get', ...extra.operations.filter((operation) => operation.value === 'update').map(() => 'update')];
	return {
		value: spec.value,
		name: spec.name,
		families: ['unified'],
		operations: [...extra.operations, getOperation(spec.one, one), getAllOperation(spec.many, () => spec.path)],
		fields: [textField(spec.value, idOperations, spec.idName, spec.idLabel, `ID of ${spec.one}`), ...extra.fields, ...listFields(spec.value)],
	};
}

const writes = (spec: Spec, update: boolean): Pick<ResourceDefinition, 'operations' | 'fields'> => ({
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: `Create ${spec.one}`,
			description: `Create ${spec.one} (POST with an idempotency key)`,
			run: async (f, i) => await call(f, i, 'POST', spec.path, { body: content(f, i) }),
		},
		...(update
			? [
					{
						value: 'update',
						name: 'Update',
						action: `Update ${spec.one}`,
						description: `Update ${spec.one} (PATCH with an idempotency key)`,
						run: async (f: Fiskaly, i: number) => await call(f, i, 'PATCH', `${spec.path}/${id(f, spec.idName, i)}`, { body: content(f, i) }),
					},
				]
			: []),
	],
	fields: [
		jsonField(spec.value, update ? ['create', 'update'] : ['create'], 'content', 'Content', 'The body\'s "content" object, as the fiskaly API reference describes it for this resource'),
		idempotencyField(spec.value, update ? ['create', 'update'] : ['create']),
	],
});

const SYSTEM: Spec = { value: 'system', name: 'Unified: System', path: '/systems', idName: 'systemId', idLabel: 'System ID', one: 'a system', many: 'systems' };
const RECORD: Spec = { value: 'record', name: 'Unified: Record', path: '/records', idName: 'recordId', idLabel: 'Record ID', one: 'a record', many: 'records' };

export const system = readable(SYSTEM, writes(SYSTEM, true));
export const record = readable(RECORD, writes(RECORD, false));
export const entity = readable({ value: 'entity', name: 'Unified: Entity', path: '/entities', idName: 'entityId', idLabel: 'Entity ID', one: 'an entity', many: 'entities' });
export const subject = readable({ value: 'subject', name: 'Unified: Subject', path: '/subjects', idName: 'subjectId', idLabel: 'Subject ID', one: 'a subject', many: 'subjects' });
