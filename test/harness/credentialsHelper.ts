import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import { getCredentialOwnRequestAllowedDomains, ICredentialsHelper, NodeHelpers } from 'n8n-workflow';

import { OAuth2ApiBase } from './oauth2Base';

/**
 * The credentials side of our harness, doing what n8n's own CredentialsHelper (packages/cli) does:
 * - `authenticate` applies a credential's function or generic block, resolving `={{...}}` values with
 *   n8n-workflow's expression engine, exactly as n8n does;
 * - `preAuthentication` runs the credential's hook only when n8n would: the expirable field is empty,
 *   the request got 401 (credentialsExpired), or the credential is being tested; and persists what it
 *   returns, merged over the stored data, but only when the expirable field is part of the output;
 * - OAuth2 token updates are persisted to the same in-memory store.
 * The store is public so tests can read what "n8n" persisted.
 */

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

export interface PreAuthCall {
	type: string;
	credentialsExpired: boolean;
	ran: boolean;
}

export class CredentialStore {
	private readonly records = new Map<string, StoredCredential>();

	/** Version counter per credential, to see how often a run wrote to it. */
	readonly writes = new Map<string, number>();

	put(record: StoredCredential): void {
		this.records.set(record.id, { ...record, data: structuredClone(record.data) });
	}

	get(id: string): StoredCredential {
		const record = this.records.get(id);
		if (!record) throw new Error(`no credential with id ${id} in the test store`);
		return record;
	}

	/** A copy of the stored data, as a test would read it back from n8n's database. */
	read(id: string): ICredentialDataDecryptedObject {
		return structuredClone(this.get(id).data);
	}

	update(id: string, data: ICredentialDataDecryptedObject): void {
		const record = this.get(id);
		record.data = structuredClone(data);
		this.writes.set(id, (this.writes.get(id) ?? 0) + 1);
	}
}

/** Credential type registry with `extends` resolution. */
export class CredentialTypeRegistry {
	private readonly types = new Map<string, ICredentialType>();

	constructor(types: ICredentialType[]) {
		for (const type of [new OAuth2ApiBase(), ...types]) this.types.set(type.name, type);
	}

	getByName(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new Error(`unknown credential type ${name}`);
		return type;
	}

	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	/** Properties with parents' merged in, child definitions winning (as n8n does). */
	properties(name: string): INodeProperties[] {
		const type = this.getByName(name);
		const merged: INodeProperties[] = [];
		for (const parent of type.extends ?? []) NodeHelpers.mergeNodeProperties(merged, this.properties(parent));
		NodeHelpers.mergeNodeProperties(merged, type.properties);
		return merged;
	}
}

const isExpression = (value: unknown): value is string => typeof value === 'string' && value.startsWith('=');

export class TestCredentialsHelper extends ICredentialsHelper {
	readonly preAuthCalls: PreAuthCall[] = [];

	/** Credential reads (getDecrypted: a node's getCredentials or n8n-core's own), per credential type. */
	readonly reads = new Map<string, number>();

	/** Set by the runner before each execution: expressions resolve against this workflow. */
	workflow?: Workflow;

	constructor(
		readonly registry: CredentialTypeRegistry,
		readonly store: CredentialStore,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return this.registry.getParentTypes(name);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	private resolve(value: string, credentials: ICredentialDataDecryptedObject, node: INode): string {
		if (!isExpression(value) || !this.workflow) return value;
		const resolved = this.workflow.expression.getSimpleParameterValue(node, value, 'internal', {
			$credentials: credentials,
		} as never);
		return resolved === undefined || resolved === null ? '' : String(resolved);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		_workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incoming as IHttpRequestOptions;
		const type = this.registry.getByName(typeName);
		if (typeof type.authenticate === 'function') {
			return await type.authenticate(credentials, requestOptions);
		}
		if (type.authenticate && type.authenticate.type === 'generic' && node) {
			requestOptions.headers = requestOptions.headers ?? {};
			for (const [outerKey, outerValue] of Object.entries(type.authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
					const target = requestOptions as unknown as Record<string, Record<string, string>>;
					target[outerKey] = target[outerKey] ?? {};
					target[outerKey][this.resolve(key, credentials, node)] = this.resolve(value, credentials, node);
				}
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.registry.getByName(typeName);
		const expirable = this.registry
			.properties(typeName)
			.find((property) => property.type === 'hidden' && property.typeOptions?.expirable === true);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		const isTest = node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		const shouldRun = credentials[expirable.name] === '' || credentialsExpired || isTest;
		this.preAuthCalls.push({ type: typeName, credentialsExpired, ran: shouldRun });
		if (!shouldRun) return undefined;
		// n8n hands the hook a helper with httpRequest only (no authenticated helpers); 2.41 adds the
		// credential's own "Allowed HTTP Request Domains" to it and refuses a request that brings its own.
		const restricted: IHttpRequestHelper = {
			helpers: {
				httpRequest: async (requestOptions: IHttpRequestOptions) => {
					const allowedDomains = getCredentialOwnRequestAllowedDomains(credentials);
					if (allowedDomains === undefined) return await helpers.helpers.httpRequest(requestOptions);
					if (requestOptions.allowedDomains !== undefined) {
						throw new Error('This credential restricts requests to specific domains, which cannot be combined with the domains its authentication step asks for.');
					}
					return await helpers.helpers.httpRequest({ ...requestOptions, allowedDomains });
				},
			},
		};
		const output = (await type.preAuthentication.call(restricted, credentials)) as ICredentialDataDecryptedObject;
		if (output?.[expirable.name] === undefined) return undefined;
		const details = node.credentials?.[typeName];
		if (details?.id) {
			const stored = this.store.read(details.id);
			const merged = { ...stored };
			for (const [key, value] of Object.entries(output)) {
				if (key === expirable.name || !isExpression(stored[key])) merged[key] = value;
			}
			this.store.update(details.id, merged);
		}
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.registry.getByName(typeName);
		if (typeof type.preAuthentication !== 'function') return undefined;
		return (await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}

	async getCredentials(details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const record = this.store.get(details.id ?? '');
		const data = record.data;
		return {
			id: record.id,
			name: record.name,
			type,
			data: undefined,
			getData: () => structuredClone(data),
			getDataToSave: () => ({ id: record.id, name: record.name, type, data: '' }),
			setData: () => undefined,
			updateData: () => undefined,
		} as unknown as ICredentials;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		details: INodeCredentialsDetails,
		type: string,
		_mode?: unknown,
		_executeData?: unknown,
		raw?: boolean,
	): Promise<ICredentialDataDecryptedObject> {
		this.reads.set(type, (this.reads.get(type) ?? 0) + 1);
		const stored = this.store.read(details.id ?? '');
		if (raw) return stored;
		const properties = this.registry.properties(type);
		const withDefaults = (NodeHelpers.getNodeParameters(properties, stored as never, true, false, null, null) ??
			{}) as ICredentialDataDecryptedObject;
		// Values that n8n keeps outside the declared properties (oauthTokenData, persisted token fields).
		const data: ICredentialDataDecryptedObject = { ...stored, ...withDefaults };
		for (const [key, value] of Object.entries(stored)) if (!(key in withDefaults)) data[key] = value;
		if (!this.workflow) return data;
		const mockNode = { name: '', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} } as unknown as INode;
		return this.workflow.expression.getComplexParameterValue(
			mockNode,
			data as never,
			'internal',
			{} as never,
			undefined,
			undefined,
			data,
		) as ICredentialDataDecryptedObject;
	}

	async updateCredentials(details: INodeCredentialsDetails, _type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.store.update(details.id ?? '', data);
	}

	async updateCredentialsOauthTokenData(
		details: INodeCredentialsDetails,
		_type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.store.read(details.id ?? '');
		stored.oauthTokenData = data.oauthTokenData;
		this.store.update(details.id ?? '', stored);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.registry.properties(type);
	}
}
