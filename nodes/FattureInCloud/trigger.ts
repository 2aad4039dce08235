import type { IDataObject, IHookFunctions, INodeExecutionData, INodeProperties, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { firstDelivery, parseCloudEvent } from '../shared/cloudevents';
import type { CloudEvent } from '../shared/cloudevents';
import { verifyEs256Jwt } from '../shared/jwt';
import type { JwtRefusal } from '../shared/jwt';
import { pathSegment } from '../shared/paths';
import type { RequestContext } from '../shared/request';
import { FIC_ORIGIN, PROVIDER } from './auth';
import { companiesOf, connect, ficRequest } from './transport';
import type { FicApi } from './transport';

/**
 * Fatture in Cloud webhooks (providers-next.md §3.2, developers.fattureincloud.it/docs/webhooks):
 * subscriptions under /c/{company_id}/subscriptions, the verification GET (challenge in the
 * `x-fic-verification-challenge` header or query parameter, answered `{"verification": value}`),
 * CloudEvents notifications authenticated by `Authorization: Bearer <JWT>` signed ES256 with the key
 * Fatture in Cloud publishes, `aud` containing the sink, `sub` = `company:<id>` = ce-subject,
 * `jti` = ce-id, `exp` three hours after sending.
 */

/** The key Fatture in Cloud publishes on its notifications page (base64 of this PEM there). */
export const FIC_WEBHOOK_PUBLIC_KEY = [
	'-----BEGIN PUBLIC KEY-----',
	'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/RoHIjgY7hfXfY5p/Jy+K/FguMZ4',
	'3TvZ9t4eN7+kxQ0MJzKtowv4CcYTFqrBm7hMB5ZWKnqLz24D6lQjSL0Ysw==',
	'-----END PUBLIC KEY-----',
	'',
].join('\n');

export const FIC_WEBHOOK_ISSUER = FIC_ORIGIN;
export const VERIFICATION_CHALLENGE = 'x-fic-verification-challenge';
const TYPE_PREFIX = 'it.fattureincloud.webhooks.';

/**
 * The event types a subscription accepts: the spec's EventType model (v2.1.8). The committed spec file
 * has no models (they are separate files upstream); this list is read from the official SDK generated
 * from it (fattureincloud-go-sdk model_event_type.go). `.all.` types are groups Fatture in Cloud
 * expands at creation.
 */
const DOCUMENT_KINDS = ['invoices', 'quotes', 'proformas', 'receipts', 'delivery_notes', 'credit_notes', 'orders', 'work_reports', 'supplier_orders', 'self_supplier_invoices', 'self_own_invoices', 'all'];
export const FIC_EVENT_TYPES: readonly string[] = [
	...DOCUMENT_KINDS.flatMap((kind) => ['create', 'update', 'delete'].map((action) => `issued_documents.${kind}.${action}`)),
	...['received_documents', 'receipts', 'taxes', 'archive_documents', 'cashbook', 'products'].flatMap((resource) => ['create', 'update', 'delete'].map((action) => `${resource}.${action}`)),
	'products.stock_update',
	...['clients', 'suppliers', 'all'].flatMap((kind) => ['create', 'update', 'delete'].map((action) => `entities.${kind}.${action}`)),
	'issued_documents.e_invoices.status_update',
	'received_documents.e_invoices.receive',
	...DOCUMENT_KINDS.map((kind) => `issued_documents.${kind}.email_sent`),
].map((type) => `${TYPE_PREFIX}${type}`);

const words = (text: string) => text.split('_').map((word) => (word === 'e' ? 'E' : word.charAt(0).toUpperCase() + word.slice(1))).join(' ').replace('E Invoices', 'E-Invoices');

/** "Issued Documents › Invoices › Create" for it.fattureincloud.webhooks.issued_documents.invoices.create. */
export function eventTypeName(type: string): string {
	return type.slice(TYPE_PREFIX.length).split('.').map(words).join(' › ').replace(/› All ›/, '› All Types ›');
}

/** True when `type` is one of `chosen`, an "All Types" group (`.all.`) included. */
export function typeMatches(chosen: readonly string[], type: string): boolean {
	return chosen.some((entry) => entry === type || (entry.includes('.all.') && new RegExp(`^${entry.replace(/\./g, '\\.').replace('\\.all\\.', '\\.[a-z_]+\\.')}$`).test(type)));
}

export const EVENTS_PROPERTY: INodeProperties = {
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	required: true,
	default: [],
	description: 'The events that start the workflow. "All Types" groups are expanded by Fatture in Cloud when the subscription is created.',
	options: FIC_EVENT_TYPES.map((type) => ({ name: eventTypeName(type), value: type })).sort((a, b) => a.name.localeCompare(b.name)),
};

export const TRIGGER_OPTIONS: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Content Mode',
			name: 'mapping',
			type: 'options',
			options: [
				{ name: 'Binary (Attributes in CE Headers)', value: 'binary' },
				{ name: 'Structured (Application/cloudevents+json)', value: 'structured' },
			],
			default: 'binary',
			description: 'How Fatture in Cloud sends each CloudEvent. Both are understood; binary is its default.',
		},
		{
			displayName: 'Fetch Changed Resources',
			name: 'fetchResources',
			type: 'boolean',
			default: false,
			description:
				'Whether to read each changed record (document, client, product, ...) and emit it instead of the bare IDs Fatture in Cloud sends. Deleted records are emitted as their ID with deleted: true.',
		},
		{
			displayName: 'Notification Public Key (Simulators Only)',
			name: 'publicKeyOverride',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			placeholder: '-----BEGIN PUBLIC KEY-----',
			description:
				"A P-256 public key (PEM) used instead of Fatture in Cloud's published one. Honoured only when the credential's Base URL Override is a loopback address (a simulator); refused otherwise. Leave empty.",
		},
		{
			displayName: 'Verification Method',
			name: 'verificationMethod',
			type: 'options',
			options: [
				{ name: 'Header', value: 'header' },
				{ name: 'Query Parameter', value: 'query' },
			],
			default: 'header',
			description: 'Where Fatture in Cloud puts the verification challenge when it checks the webhook URL. Both are answered.',
		},
	],
};

type TriggerContext = IHookFunctions | IWebhookFunctions;

interface TriggerOptions {
	mapping?: 'binary' | 'structured';
	fetchResources?: boolean;
	publicKeyOverride?: string;
	verificationMethod?: 'header' | 'query';
}

interface TriggerState extends IDataObject {
	subscriptionId?: string;
	companyId?: string;
}

export const optionsOf = (ctx: TriggerContext) => ctx.getNodeParameter('options', {}) as TriggerOptions;
const stateOf = (ctx: TriggerContext) => ctx.getWorkflowStaticData('node') as TriggerState;
export const sinkOf = (ctx: TriggerContext) => ctx.getNodeWebhookUrl('default') ?? '';
export const chosenEvents = (ctx: TriggerContext) => [...new Set(ctx.getNodeParameter('events', []) as string[])].sort();

export async function triggerConnection(ctx: TriggerContext): Promise<FicApi> {
	return await connect(ctx as unknown as RequestContext);
}

const call = async (ctx: TriggerContext, api: FicApi, method: 'GET' | 'POST' | 'DELETE', path: string, operationId: string, body?: IDataObject) =>
	await ficRequest(ctx as unknown as RequestContext, api, { method, path, body, operationId });

/** The company of the trigger: the one picked, else the one resolved at activation, else the user's only company. */
export async function triggerCompany(ctx: TriggerContext, api: FicApi): Promise<string> {
	const picked = String(ctx.getNodeParameter('companyId', '', { extractValue: true }) ?? '').trim();
	if (picked !== '') return pathSegment(picked, 'Company');
	const remembered = stateOf(ctx).companyId;
	if (remembered) return remembered;
	const companies = companiesOf(await call(ctx, api, 'GET', '/user/companies', 'listUserCompanies'));
	if (companies.length !== 1) {
		throw new NodeOperationError(ctx.getNode(), `${PROVIDER}: this user has ${companies.length} companies; choose one in Company`);
	}
	return pathSegment(String(companies[0].id), 'Company');
}

/** The key notifications are checked with: the published one, or the override when the credential points at a simulator. */
function publicKeyOf(ctx: TriggerContext, api: FicApi): { key: string } | { refused: string } {
	const override = (optionsOf(ctx).publicKeyOverride ?? '').trim();
	if (override === '') return { key: FIC_WEBHOOK_PUBLIC_KEY };
	if (api.baseUrl === FIC_ORIGIN) {
		return { refused: "The Notification Public Key option is only for simulators: it is honoured only when the credential's Base URL Override is a loopback address. Empty it." };
	}
	return { key: override };
}

/** Subscriptions of the company that send to this node's URL. */
async function subscriptionsHere(ctx: IHookFunctions, api: FicApi, company: string): Promise<IDataObject[]> {
	const list = await call(ctx, api, 'GET', `/c/${company}/subscriptions`, 'listWebhooksSubscriptions');
	const data = Array.isArray(list.data) ? (list.data as IDataObject[]) : [];
	return data.filter((entry) => entry.sink === sinkOf(ctx));
}

export const subscriptionHooks = {
	async checkExists(this: IHookFunctions): Promise<boolean> {
		const api = await triggerConnection(this);
		const company = await triggerCompany(this, api);
		const wanted = JSON.stringify(chosenEvents(this));
		const state = stateOf(this);
		const match = (await subscriptionsHere(this, api, company)).find(
			(entry) => (state.subscriptionId === undefined || entry.id === state.subscriptionId) && JSON.stringify([...((entry.types as string[]) ?? [])].sort()) === wanted,
		);
		if (!match) return false;
		state.subscriptionId = String(match.id);
		state.companyId = company;
		return true;
	},

	async create(this: IHookFunctions): Promise<boolean> {
		const api = await triggerConnection(this);
		const key = publicKeyOf(this, api);
		if ('refused' in key) throw new NodeOperationError(this.getNode(), key.refused);
		const company = await triggerCompany(this, api);
		const options = optionsOf(this);
		const body = {
			data: {
				sink: sinkOf(this),
				types: chosenEvents(this),
				verification_method: options.verificationMethod ?? 'header',
				config: { mapping: options.mapping ?? 'binary' },
			},
		};
		const created = await call(this, api, 'POST', `/c/${company}/subscriptions`, 'CreateWebhooksSubscription', body);
		const id = ((created.data ?? {}) as IDataObject).id;
		if (id === undefined || id === null || id === '') throw new NodeOperationError(this.getNode(), `${PROVIDER} did not return the subscription's ID`);
		const state = stateOf(this);
		state.subscriptionId = String(id);
		state.companyId = company;
		return true;
	},

	async delete(this: IHookFunctions): Promise<boolean> {
		const state = stateOf(this);
		const api = await triggerConnection(this);
		const company = state.companyId ?? (await triggerCompany(this, api));
		const ids = state.subscriptionId ? [state.subscriptionId] : (await subscriptionsHere(this, api, company)).map((entry) => String(entry.id));
		for (const id of ids) {
			// Already gone (Fatture in Cloud deletes a subscription whose sink answered 410): nothing to remove.
			const failed = await call(this, api, 'DELETE', `/c/${company}/subscriptions/${pathSegment(id, 'Subscription')}`, 'deleteWebhooksSubscription').then(
				() => undefined,
				(error: { httpCode?: string }) => (String(error.httpCode) === '404' ? undefined : error),
			);
			if (failed) throw failed;
		}
		delete state.subscriptionId;
		delete state.companyId;
		return true;
	},
};

export type DeliveryVerdict = { ok: true; event: CloudEvent; company: string; api: FicApi } | { ok: false; reason: JwtRefusal | string };

/**
 * Checks one notification before anything starts: the bearer JWT (ES256, the published key, not
 * expired, `aud` contains this webhook URL, `sub` is this company), then the CloudEvent, whose id and
 * subject must be the token's `jti` and `sub` (the token does not sign the body: binding it to the
 * event stops a captured token from carrying another event).
 */
export async function checkNotification(ctx: IWebhookFunctions): Promise<DeliveryVerdict> {
	const request = ctx.getRequestObject() as unknown as { rawBody?: Buffer; body?: unknown; headers: Record<string, string | string[] | undefined> };
	const api = await triggerConnection(ctx);
	const key = publicKeyOf(ctx, api);
	if ('refused' in key) return { ok: false, reason: 'public key override refused' };
	const company = await triggerCompany(ctx, api);
	const verdict = verifyEs256Jwt({
		token: request.headers.authorization,
		publicKey: key.key,
		audience: sinkOf(ctx),
		subject: [`company:${company}`, company],
		issuer: api.baseUrl === FIC_ORIGIN ? FIC_WEBHOOK_ISSUER : undefined,
	});
	if (!verdict.ok) return verdict;
	const parsed = parseCloudEvent(request.headers, request.rawBody, request.body);
	if (!parsed.ok) return parsed;
	const { claims } = verdict;
	if (claims.jti !== undefined && claims.jti !== parsed.event.id) return { ok: false, reason: 'event id differs from the token' };
	if (parsed.event.subject !== undefined && parsed.event.subject !== claims.sub) return { ok: false, reason: 'event subject differs from the token' };
	return { ok: true, event: parsed.event, company, api };
}

/** The answer to the verification GET: the challenge from the header, else from the query. */
export function challengeOf(ctx: IWebhookFunctions): string | undefined {
	const fromHeader = ctx.getHeaderData()[VERIFICATION_CHALLENGE];
	const fromQuery = (ctx.getQueryData() as IDataObject)[VERIFICATION_CHALLENGE];
	const value = [fromHeader, fromQuery].map((entry) => (Array.isArray(entry) ? entry[0] : entry)).find((entry) => typeof entry === 'string' && entry !== '');
	return value as string | undefined;
}

/** Remembers the event id; false when it was already delivered (at-least-once delivery). */
export function firstTime(ctx: IWebhookFunctions, id: string): boolean {
	return firstDelivery(stateOf(ctx), 'deliveredIds', id, 500, `${ctx.getWorkflow().id ?? ''}/${ctx.getNode().name}`);
}

/** The GET operation that reads one changed record of an event type, or undefined (welcome, unknown). */
export function readerOf(type: string): { operationId: string; path: string } | undefined {
	const short = type.startsWith(TYPE_PREFIX) ? type.slice(TYPE_PREFIX.length) : type;
	const readers: Array<[RegExp, string, string]> = [
		[/^issued_documents\./, 'getIssuedDocument', 'issued_documents'],
		[/^received_documents\./, 'getReceivedDocument', 'received_documents'],
		[/^receipts\./, 'getReceipt', 'receipts'],
		[/^taxes\./, 'getF24', 'taxes'],
		[/^archive_documents\./, 'getArchiveDocument', 'archive'],
		[/^cashbook\./, 'getCashbookEntry', 'cashbook'],
		[/^products\./, 'getProduct', 'products'],
		[/^entities\.clients\./, 'getClient', 'entities/clients'],
		[/^entities\.suppliers\./, 'getSupplier', 'entities/suppliers'],
	];
	const found = readers.find(([pattern]) => pattern.test(short));
	return found ? { operationId: found[1], path: found[2] } : undefined;
}

/** The ids an event names (`{"data":{"ids":[...]}}`). */
export function idsOf(event: CloudEvent): string[] {
	const data = (event.data ?? {}) as IDataObject;
	const inner = (typeof data.data === 'object' && data.data !== null ? data.data : data) as IDataObject;
	return Array.isArray(inner.ids) ? inner.ids.map(String) : [];
}

export function eventSummary(event: CloudEvent, company: string): IDataObject {
	return { id: event.id, type: event.type, time: event.time ?? null, subject: event.subject ?? null, source: event.source, companyId: company, ids: idsOf(event), mode: event.mode, data: (event.data ?? null) as IDataObject };
}

/** The changed records of an event, read from the API; deleted ones (and failed reads) as their id. */
export async function changedRecords(ctx: IWebhookFunctions, event: CloudEvent, company: string, api: FicApi): Promise<INodeExecutionData[]> {
	const reader = readerOf(event.type);
	const header = { id: event.id, type: event.type, time: event.time ?? null, companyId: company };
	if (!reader) return [{ json: eventSummary(event, company) }];
	const out: INodeExecutionData[] = [];
	for (const id of idsOf(event)) {
		if (event.type.endsWith('.delete')) {
			out.push({ json: { id, deleted: true, _event: header } });
			continue;
		}
		try {
			const record = await call(ctx, api, 'GET', `/c/${company}/${reader.path}/${pathSegment(id, 'Record')}`, reader.operationId);
			out.push({ json: { ...((record.data ?? record) as IDataObject), _event: header } });
		} catch (error) {
			out.push({ json: { id, fetchError: (error as Error).message, _event: header } });
		}
	}
	return out;
}
