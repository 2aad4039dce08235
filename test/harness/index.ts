import { ExecuteContext, ExecutionLifecycleHooks, HookContext, LoadOptionsContext, PollContext, RoutingNode, WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { createEmptyRunExecutionData, createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import { CredentialStore, CredentialTypeRegistry, TestCredentialsHelper } from './credentialsHelper';

export { CredentialStore, CredentialTypeRegistry, TestCredentialsHelper } from './credentialsHelper';
export type { StoredCredential, PreAuthCall } from './credentialsHelper';

/**
 * Runs one of our nodes through n8n-core's real execution path: WorkflowExecute calls execute(),
 * n8n-core builds the execution context and its helpers, and httpRequestWithAuthentication goes
 * through our TestCredentialsHelper (authenticate, preAuthentication on empty/401, OAuth2 refresh).
 * No HTTP is mocked: requests reach the loopback simulators.
 */

class NodeTypeRegistry implements INodeTypes {
	private readonly byName = new Map<string, INodeType>();

	constructor(nodes: Record<string, INodeType>) {
		for (const [name, node] of Object.entries(nodes)) this.byName.set(name, node);
	}

	getByName(name: string): INodeType | IVersionedNodeType {
		const node = this.byName.get(name);
		if (!node) throw new Error(`unknown node type ${name}`);
		return node;
	}

	getByNameAndVersion(name: string): INodeType {
		return this.getByName(name) as INodeType;
	}

	getKnownTypes() {
		return {};
	}
}

export interface HarnessOptions {
	credentialTypes: ICredentialType[];
	/** Node classes by type name as used in workflows, e.g. `{ 'authbridge.fiskaly': new Fiskaly() }`. */
	nodeTypes: Record<string, INodeType>;
	store?: CredentialStore;
}

export interface RunOptions {
	/** Node type name registered in the harness. */
	type: string;
	parameters: IDataObject;
	/** Credential type name to stored credential id. */
	credentials?: Record<string, string>;
	/** Input items; one empty item by default. */
	items?: IDataObject[];
	/** Whole input items (with binary data); used instead of `items` when set. */
	inputItems?: INodeExecutionData[];
	continueOnFail?: boolean;
	typeVersion?: number;
	/** Execution mode, as n8n would pass it. */
	mode?: 'manual' | 'trigger' | 'cli' | 'webhook' | 'internal';
	/** The workflow's static data, kept by the test between calls as n8n keeps it between activations and webhook calls. */
	staticData?: IDataObject;
}

export interface RunResult {
	/** Output items of the node's first output. */
	items: INodeExecutionData[];
	/** The error that stopped the node (without Continue On Fail). */
	error?: Error & { description?: string; httpCode?: string | null; context?: IDataObject };
	run: IRun;
}

let executionCounter = 0;

export class Harness {
	readonly store: CredentialStore;
	readonly registry: CredentialTypeRegistry;
	readonly credentialsHelper: TestCredentialsHelper;
	private readonly nodeTypes: NodeTypeRegistry;

	constructor(options: HarnessOptions) {
		this.store = options.store ?? new CredentialStore();
		this.registry = new CredentialTypeRegistry(options.credentialTypes);
		this.credentialsHelper = new TestCredentialsHelper(this.registry, this.store);
		this.nodeTypes = new NodeTypeRegistry(options.nodeTypes);
	}

	/** Stores a credential as a user would save it in the editor. */
	addCredential(id: string, type: string, data: IDataObject, name = `${type} ${id}`): void {
		this.store.put({ id, name, type, data: data as never });
	}

	private additionalData(hooks?: ExecutionLifecycleHooks): IWorkflowExecuteAdditionalData {
		return {
			credentialsHelper: this.credentialsHelper,
			hooks,
			executionId: String(executionCounter),
			currentNodeExecutionIndex: 0,
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			formBaseUrl: 'http://127.0.0.1:5678/formBaseUrl',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/formWaitingBaseUrl',
			formTestBaseUrl: 'http://127.0.0.1:5678/formTestBaseUrl',
			webhookBaseUrl: 'http://127.0.0.1:5678/webhookBaseUrl',
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhookWaitingBaseUrl',
			webhookTestBaseUrl: 'http://127.0.0.1:5678/webhookTestBaseUrl',
			mcpBaseUrl: 'http://127.0.0.1:5678/mcpBaseUrl',
			mcpTestBaseUrl: 'http://127.0.0.1:5678/mcpTestBaseUrl',
			variables: {},
			userId: 'harness-user',
			logAiEvent: () => undefined,
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			executeWorkflow: async () => {
				throw new Error('sub-workflows are not available in the harness');
			},
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	/**
	 * The credential's "Test" button, as n8n's CredentialsTester runs it on both lines: a throwaway
	 * NoOp node whose one property routes `test.request` through n8n-core's RoutingNode, so the
	 * credential is applied (preAuthentication first) and the rules map failed status codes.
	 */
	async testCredential(type: string, id: string): Promise<{ status: 'OK' | 'Error'; message: string }> {
		const test = this.registry.getByName(type).test;
		if (!test) return { status: 'Error', message: 'No testing function found for this credential.' };
		const nodeType: INodeType = {
			description: {
				displayName: 'No Operation',
				name: 'n8n-nodes-base.noOp',
				group: ['transform'],
				version: 1,
				description: 'credential test',
				defaults: { name: 'NoOp' },
				inputs: ['main'],
				outputs: ['main'],
				credentials: [{ name: type, required: true }],
				properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: test.request }, default: '' }],
			},
		};
		const node: INode = {
			id: 'temp',
			name: 'Temp-Node',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [0, 0],
			parameters: { temp: '' },
			credentials: { [type]: { id, name: this.store.get(id).name } },
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: new NodeTypeRegistry({ 'n8n-nodes-base.noOp': nodeType }),
		});
		this.credentialsHelper.workflow = workflow;
		const credentials = { id, name: this.store.get(id).name, type, data: this.store.read(id) };
		const context = new ExecuteContext(
			workflow,
			node,
			this.additionalData(),
			'internal',
			createEmptyRunExecutionData(),
			0,
			[],
			{ main: [[{ json: {} }]] },
			{ node, data: {}, source: null },
			[],
		);
		try {
			await new RoutingNode(context, nodeType, credentials).runNode();
		} catch (caught) {
			const error = caught as Error & { cause?: { response?: { status: number; statusText?: string }; code?: string } };
			const status = error.cause?.response?.status;
			if (status !== undefined) {
				const rule = (test.rules ?? []).find((r) => r.type === 'responseCode' && r.properties.value === status);
				if (rule) return { status: 'Error', message: rule.properties.message };
				if (status < 199 || status > 299) return { status: 'Error', message: error.cause?.response?.statusText || `Received HTTP status code: ${status}` };
			} else if (error.cause?.code) {
				return { status: 'Error', message: error.cause.code };
			}
			return { status: 'Error', message: error.message };
		}
		return { status: 'OK', message: 'Connection successful!' };
	}

	/** The node under test (editor defaults applied) in a one-node workflow the credentials helper resolves against. */
	private nodeInWorkflow(options: RunOptions): { node: INode; workflow: Workflow } {
		const nodeType = this.nodeTypes.getByNameAndVersion(options.type);
		const typeVersion = options.typeVersion ?? ([] as number[]).concat(nodeType.description.version).slice(-1)[0];
		const credentials: INode['credentials'] = {};
		for (const [type, id] of Object.entries(options.credentials ?? {})) {
			credentials[type] = { id, name: this.store.get(id).name };
		}
		// Defaults applied as the editor would when it saves a node.
		const parameters =
			NodeHelpers.getNodeParameters(
				nodeType.description.properties,
				options.parameters as never,
				true,
				false,
				{ typeVersion },
				nodeType.description,
			) ?? {};
		const node: INode = {
			id: 'node-under-test',
			name: 'Under Test',
			type: options.type,
			typeVersion,
			position: [0, 0],
			parameters,
			credentials,
			continueOnFail: options.continueOnFail,
			onError: options.continueOnFail ? 'continueRegularOutput' : undefined,
		};
		const workflow = new Workflow({
			id: 'harness',
			nodes: [node],
			connections: {},
			nodeTypes: this.nodeTypes,
			active: false,
			settings: {},
			staticData: options.staticData,
		});
		this.credentialsHelper.workflow = workflow;
		return { node, workflow };
	}

	async run(options: RunOptions): Promise<RunResult> {
		const { node, workflow } = this.nodeInWorkflow(options);
		executionCounter += 1;
		const workflowData = { id: 'harness', name: 'harness', nodes: [node], connections: {} } as unknown as IWorkflowBase;
		const mode = options.mode ?? 'manual';
		const hooks = new ExecutionLifecycleHooks(mode, String(executionCounter), workflowData);
		let finished: (run: IRun) => void = () => undefined;
		const done = new Promise<IRun>((resolve) => (finished = resolve));
		hooks.addHandler('workflowExecuteAfter', (run) => finished(run));

		const additionalData = this.additionalData(hooks);

		const input = options.inputItems ?? (options.items ?? [{}]).map((json, index) => ({ json, pairedItem: { item: index } }));
		const runData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node, data: { main: [input] }, source: null }],
			},
		});
		const execute = new WorkflowExecute(additionalData, mode, runData);
		await execute.processRunExecutionData(workflow);
		const run = await done;
		const taskData = run.data.resultData.runData[node.name]?.[0];
		const items = taskData?.data?.main?.[0] ?? [];
		const error = (taskData?.error ?? run.data.resultData.error) as RunResult['error'];
		return { items, error, run };
	}

	/**
	 * A trigger node's webhook method (`checkExists`, `create`, `delete`) as n8n calls it on
	 * activation and deactivation: n8n-core's HookContext, the node's webhook URL under
	 * `webhookBaseUrl` (n8n's production URL: <base>/<webhookId>/<path>).
	 */
	async webhookMethod(
		options: RunOptions & { method: 'checkExists' | 'create' | 'delete'; webhookBaseUrl: string; webhookId: string },
	): Promise<boolean> {
		const { node, workflow } = this.nodeInWorkflow(options);
		node.webhookId = options.webhookId;
		const additionalData = { ...this.additionalData(), webhookBaseUrl: options.webhookBaseUrl } as IWorkflowExecuteAdditionalData;
		const nodeType = this.nodeTypes.getByNameAndVersion(options.type);
		const description = nodeType.description.webhooks?.[0];
		if (!description) throw new Error(`${options.type} has no webhook`);
		const context = new HookContext(workflow, node, additionalData, 'trigger', 'activate', {
			httpMethod: 'POST',
			node: node.name,
			path: `${options.webhookId}/${description.path}`,
			webhookDescription: description,
			workflowId: 'harness',
			workflowExecuteAdditionalData: additionalData,
		} as never);
		const method = nodeType.webhookMethods?.default?.[options.method];
		if (!method) throw new Error(`${options.type} has no webhook method ${options.method}`);
		return await method.call(context);
	}

	/** A trigger node's `webhook()` for one real HTTP request, as n8n's webhook server calls it. */
	async webhookCall(options: RunOptions & { request: unknown; response: unknown; webhookName?: string; webhookBaseUrl?: string; webhookId?: string }) {
		const { node, workflow } = this.nodeInWorkflow(options);
		node.webhookId = options.webhookId;
		const additionalData = {
			...this.additionalData(),
			httpRequest: options.request,
			httpResponse: options.response,
			...(options.webhookBaseUrl ? { webhookBaseUrl: options.webhookBaseUrl } : {}),
		} as unknown as IWorkflowExecuteAdditionalData;
		const nodeType = this.nodeTypes.getByNameAndVersion(options.type);
		const webhooks = nodeType.description.webhooks ?? [];
		const description = (options.webhookName ? webhooks.find((webhook) => webhook.name === options.webhookName) : undefined) ?? webhooks[0];
		const httpMethod = String(description?.httpMethod ?? 'POST');
		const context = new WebhookContext(workflow, node, additionalData, 'webhook', { httpMethod, node: node.name, path: 'x', webhookDescription: description, workflowId: 'harness' } as never, [], null);
		if (!nodeType.webhook) throw new Error(`${options.type} has no webhook()`);
		return await nodeType.webhook.call(context);
	}

	/**
	 * A polling trigger's `poll()` as n8n's poller calls it: n8n-core's PollContext, the node's
	 * static data kept in `staticData` between polls (n8n saves it after each poll).
	 */
	async poll(options: RunOptions & { staticData: IDataObject }) {
		const { node, workflow } = this.nodeInWorkflow(options);
		const context = new PollContext(workflow, node, this.additionalData(), 'trigger', 'activate', undefined, undefined, undefined, undefined, () => options.staticData);
		const nodeType = this.nodeTypes.getByNameAndVersion(options.type);
		if (!nodeType.poll) throw new Error(`${options.type} has no poll()`);
		return await nodeType.poll.call(context);
	}

	/**
	 * Calls one of the node's `methods.listSearch` functions the way the editor does: n8n-core's
	 * LoadOptionsContext over the node's current parameters, with the same credentials helper.
	 */
	async listSearch(
		options: RunOptions & { method: string; filter?: string; paginationToken?: string },
	): Promise<INodeListSearchResult> {
		const { node, workflow } = this.nodeInWorkflow(options);
		const additionalData = this.additionalData();
		(additionalData as unknown as { currentNodeParameters: unknown }).currentNodeParameters = node.parameters;
		const search = this.nodeTypes.getByNameAndVersion(options.type).methods?.listSearch?.[options.method];
		if (!search) throw new Error(`${options.type} has no listSearch method ${options.method}`);
		const context = new LoadOptionsContext(workflow, node, additionalData, `parameters.${options.method}`);
		return await search.call(context, options.filter, options.paginationToken);
	}
}
