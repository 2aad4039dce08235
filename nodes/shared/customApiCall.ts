import type { IDataObject, IHttpRequestMethods, INodeProperties } from 'n8n-workflow';

import { NAME_VALUE_ROWS } from './descriptions';
import type { OperationCall, Resource } from './operations';
import { jsonObjectParam, nameValuePairs, requiredParam, textParam } from './parameters';

/**
 * The one Custom API Call of the package: any path of the provider, sent with the credential like
 * every other call. It takes a path, never a URL (the request layer refuses anything that would
 * leave the credential's base URL), so the credential only ever goes to the provider's own host.
 * Each provider says how bodies are encoded, which methods exist, how a path is written and
 * whether calls carry an idempotency key; the fields and the reading are written once, here.
 */

export interface CustomRequest {
	method: IHttpRequestMethods;
	/** Path under the provider's base URL, starting with "/". */
	path: string;
	qs: IDataObject;
	body?: IDataObject;
}

export interface CustomApiCallOptions<Api> {
	/** Methods offered (listed alphabetically, as n8n's lint rules want). */
	methods: IHttpRequestMethods[];
	/** JSON body (a JSON field) or form-urlencoded body (name/value rows). */
	bodyEncoding: 'json' | 'form';
	/** Description of the Path field: where the path starts. */
	pathDescription: string;
	pathPlaceholder: string;
	/** Turns what the user typed into a path under the base URL (e.g. drops an API prefix typed twice). */
	normalisePath?: (path: string) => string;
	/** Adds the Idempotency Key field (the provider's send function reads "idempotencyKey"). */
	idempotencyKey?: boolean;
	/** Sends the request with the provider's conventions (headers, body encoding, idempotency). */
	send(call: OperationCall<Api>, request: CustomRequest): Promise<unknown>;
}

const defaultPath = (path: string) => (path.startsWith('/') ? path : `/${path}`);

export const IDEMPOTENCY_KEY: INodeProperties = {
	displayName: 'Idempotency Key',
	name: 'idempotencyKey',
	type: 'string',
	default: '',
	description:
		'Sent with POST and PATCH so that a retried call is applied once. Leave empty to generate one per call; set it (e.g. from an order ID) to make re-runs of the workflow safe too.',
};

const QUERY: INodeProperties = {
	displayName: 'Query Parameters',
	name: 'query',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Parameter',
	default: {},
	options: NAME_VALUE_ROWS,
};

const FORM_BODY: INodeProperties = {
	displayName: 'Form Body',
	name: 'formBody',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Field',
	default: {},
	description: 'Form fields, sent form-urlencoded (use names like param[adults] for nested values)',
	options: NAME_VALUE_ROWS,
};

const JSON_BODY: INodeProperties = {
	displayName: 'Body',
	name: 'jsonBody',
	type: 'json',
	default: '{}',
	description: 'JSON body, sent with POST, PUT and PATCH',
};

/** The "Custom API Call" resource with its one operation, "Call". */
export function customApiCallResource<Api>(options: CustomApiCallOptions<Api>): Resource<Api> {
	const normalise = options.normalisePath ?? defaultPath;
	const properties: INodeProperties[] = [
		{
			displayName: 'Method',
			name: 'method',
			type: 'options',
			options: [...options.methods].sort().map((method) => ({ name: method, value: method })),
			default: 'GET',
		},
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			required: true,
			default: '',
			placeholder: options.pathPlaceholder,
			description: options.pathDescription,
		},
		QUERY,
		options.bodyEncoding === 'json' ? JSON_BODY : FORM_BODY,
		...(options.idempotencyKey ? [IDEMPOTENCY_KEY] : []),
	];
	return {
		value: 'customApiCall',
		name: 'Custom API Call',
		operations: [
			{
				value: 'call',
				name: 'Call',
				action: 'Make a custom API call',
				description: 'Call any endpoint of the provider with this credential',
				properties,
				async execute(call) {
					const { ctx, itemIndex } = call;
					const method = textParam(ctx, 'method', itemIndex, 'GET') as IHttpRequestMethods;
					const path = normalise(requiredParam(ctx, 'path', itemIndex));
					const qs = nameValuePairs(ctx.getNodeParameter('query', itemIndex, {}));
					const body =
						options.bodyEncoding === 'json'
							? jsonObjectParam(ctx, 'jsonBody', itemIndex)
							: nameValuePairs(ctx.getNodeParameter('formBody', itemIndex, {}));
					const sendsBody = !['GET', 'HEAD', 'DELETE'].includes(method) && Object.keys(body).length > 0;
					const response = await options.send(call, { method, path, qs, body: sendsBody ? body : undefined });
					return (typeof response === 'object' && response !== null ? response : { response }) as IDataObject;
				},
			},
		],
	};
}
