#!/usr/bin/env node
/**
 * Dev-time generator: reads Fatture in Cloud's OpenAPI description (scripts/fattureincloud/openapi.yaml, a copy of
 * the vendor's MIT-licensed file) and writes
 *   - nodes/FattureInCloud/operations.generated.ts: one row per operation (resource, operation id, method, path, path
 *     and query parameters with enums, required scopes, summary, body example), read by the node;
 *   - test/simulators/fattureincloud.responses.generated.json: each operation's documented success answer (status,
 *     content type, example), read by the simulator so it answers with the documented shapes.
 * Then prints the coverage report: operations of the spec, rows written, operations missing (must be 0).
 *
 *   node scripts/fattureincloud/operations.mjs [spec.yaml]          writes both files
 *   node scripts/fattureincloud/operations.mjs --check [spec.yaml]  fails (exit 1) when a committed file differs
 *   --out <dir>                                                     writes/checks under <dir> instead of the repo
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseYaml } from './yaml.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const outAt = args.indexOf('--out');
const outDir = outAt >= 0 ? resolve(args[outAt + 1]) : ROOT;
const positional = args.filter((arg, index) => !arg.startsWith('--') && (outAt < 0 || index !== outAt + 1));
const specPath = positional[0] ?? resolve(ROOT, 'scripts/fattureincloud/openapi.yaml');
const TABLE = 'nodes/FattureInCloud/operations.generated.ts';
const RESPONSES = 'test/simulators/fattureincloud.responses.generated.json';

const spec = parseYaml(readFileSync(specPath, 'utf8'));

/** The node's resource for each tag of the spec (a new tag fails the run: name it here). */
const RESOURCES = {
	Archive: ['archiveDocument', 'Archive Document'],
	Cashbook: ['cashbookEntry', 'Cashbook Entry'],
	Clients: ['client', 'Client'],
	Companies: ['company', 'Company'],
	Emails: ['email', 'Email'],
	Info: ['info', 'Info'],
	'Issued Documents': ['issuedDocument', 'Issued Document'],
	'Issued e-invoices': ['issuedEInvoice', 'Issued E-Invoice'],
	PriceLists: ['priceList', 'Price List'],
	Products: ['product', 'Product'],
	Receipts: ['receipt', 'Receipt'],
	'Received Documents': ['receivedDocument', 'Received Document'],
	Settings: ['setting', 'Setting'],
	Suppliers: ['supplier', 'Supplier'],
	Taxes: ['f24', 'F24 Tax'],
	User: ['user', 'User'],
	Webhooks: ['webhookSubscription', 'Webhook Subscription'],
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function resolveRef(value) {
	if (!value || typeof value !== 'object' || typeof value.$ref !== 'string') return value;
	if (!value.$ref.startsWith('#/')) return undefined; // the spec's models (./models/*.yaml) are not in the file
	return value.$ref
		.slice(2)
		.split('/')
		.reduce((node, key) => (node === undefined ? undefined : node[key]), spec);
}

/** The first example of a media type (`examples.<name>.value` or `example`). */
function exampleOf(media) {
	if (!media) return undefined;
	if (media.examples && typeof media.examples === 'object') {
		const first = Object.values(media.examples)[0];
		if (first && 'value' in first) return first.value;
	}
	return media.example;
}

const oneLine = (text) => String(text ?? '').replace(/\s+/g, ' ').trim();

function parameterOf(raw, where) {
	const parameter = resolveRef(raw);
	if (!parameter?.name) throw new Error(`${where}: unreadable parameter ${JSON.stringify(raw)}`);
	if (parameter.in !== 'path' && parameter.in !== 'query') throw new Error(`${where}: parameter ${parameter.name} in ${parameter.in} is not handled`);
	const schema = parameter.schema ?? {};
	const row = {
		name: parameter.name,
		in: parameter.in,
		required: parameter.required === true,
		type: schema.type ?? 'string',
		description: oneLine(parameter.description),
	};
	if (Array.isArray(schema.enum)) row.enum = schema.enum;
	if (schema.default !== undefined) row.default = schema.default;
	if (schema.example !== undefined) row.example = schema.example;
	return row;
}

const operations = [];
const responses = {};
const tagsMissing = new Set();
for (const [path, item] of Object.entries(spec.paths)) {
	for (const method of METHODS) {
		const operation = item[method];
		if (!operation) continue;
		const where = `${method.toUpperCase()} ${path}`;
		if (!operation.operationId) throw new Error(`${where} has no operationId`);
		const tag = (operation.tags ?? [])[0] ?? '';
		if (!RESOURCES[tag]) tagsMissing.add(tag);
		const [resource, resourceName] = RESOURCES[tag] ?? ['', ''];
		const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((raw) => parameterOf(raw, where));
		const scopes = (operation.security ?? []).flatMap((entry) => Object.values(entry).flat());
		const row = {
			operationId: operation.operationId,
			resource,
			resourceName,
			method: method.toUpperCase(),
			path,
			summary: oneLine(operation.summary),
			description: oneLine(operation.description),
			scopes,
			parameters,
		};
		const requestBody = resolveRef(operation.requestBody);
		if (requestBody?.content) {
			const [contentType, media] = Object.entries(requestBody.content)[0];
			// As JSON text: it is the body field's placeholder, and literal example tokens would read as secrets to the linter.
			const example = exampleOf(media);
			row.body = { contentType, required: requestBody.required === true, description: oneLine(requestBody.description), example: example === undefined ? '' : JSON.stringify(example, null, 2) };
		}
		operations.push(row);

		const status = Object.keys(operation.responses ?? {}).find((code) => /^2/.test(code)) ?? '200';
		const answer = resolveRef(operation.responses?.[status]) ?? {};
		const [contentType, media] = Object.entries(answer.content ?? {})[0] ?? [undefined, undefined];
		responses[operation.operationId] = { status: Number(status), contentType: contentType ?? null, example: exampleOf(media) ?? null };
	}
}
if (tagsMissing.size > 0) throw new Error(`tags without a resource (name them in RESOURCES): ${[...tagsMissing].join(', ')}`);
operations.sort((a, b) => a.resource.localeCompare(b.resource) || a.operationId.localeCompare(b.operationId));

// --- the table, as readable TypeScript -------------------------------------------------------------------

/** A value as TypeScript source, indented with tabs, keys unquoted where they can be. */
function source(value, indent) {
	const pad = '\t'.repeat(indent + 1);
	const close = '\t'.repeat(indent);
	if (Array.isArray(value)) {
		if (value.length === 0) return '[]';
		if (value.every((entry) => typeof entry !== 'object' || entry === null)) return `[${value.map((entry) => JSON.stringify(entry)).join(', ')}]`;
		return `[\n${value.map((entry) => `${pad}${source(entry, indent + 1)},`).join('\n')}\n${close}]`;
	}
	if (value && typeof value === 'object') {
		const entries = Object.entries(value);
		if (entries.length === 0) return '{}';
		return `{\n${entries.map(([key, entry]) => `${pad}${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key)}: ${source(entry, indent + 1)},`).join('\n')}\n${close}}`;
	}
	return JSON.stringify(value);
}

const table = `// GENERATED by scripts/fattureincloud/operations.mjs from Fatture in Cloud's OpenAPI description
// (scripts/fattureincloud/openapi.yaml, API v${spec.info?.version}). Do not edit by hand: run
// \`node scripts/fattureincloud/operations.mjs\` after the spec changes; \`npm run lint\` runs it with \`--check\`.

export interface FicParameter {
	name: string;
	in: 'path' | 'query';
	required: boolean;
	type: string;
	description: string;
	enum?: ReadonlyArray<string | number>;
	default?: string | number | boolean;
	example?: string | number;
}

export interface FicBody {
	contentType: 'application/json' | 'multipart/form-data';
	required: boolean;
	description: string;
	/** The spec's example body as JSON text, '' when it has none (its models are not in the file, so this is all it says about the shape). */
	example: string;
}

export interface FicOperation {
	operationId: string;
	/** The node's resource (from the spec's tag). */
	resource: string;
	resourceName: string;
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	path: string;
	summary: string;
	description: string;
	/** Any one of these scopes allows the operation; empty: the spec names none. */
	scopes: readonly string[];
	parameters: readonly FicParameter[];
	body?: FicBody;
}

/** Every operation of the spec (${operations.length}), by resource. */
export const FIC_API_OPERATIONS: readonly FicOperation[] = ${source(operations, 0)};
`;

const responsesJson = `${JSON.stringify(responses, null, '\t')}\n`;

const files = [
	[TABLE, table],
	[RESPONSES, responsesJson],
];
const specOperations = Object.values(spec.paths).reduce((count, item) => count + METHODS.filter((method) => item[method]).length, 0);
const offered = new Set(operations.map((operation) => operation.operationId));
const missing = Object.values(spec.paths).flatMap((item) => METHODS.filter((method) => item[method] && !offered.has(item[method].operationId)).map((method) => item[method].operationId));

if (check) {
	let stale = 0;
	for (const [file, text] of files) {
		let committed = '';
		try {
			committed = readFileSync(join(outDir, file), 'utf8');
		} catch {
			// missing counts as stale
		}
		if (committed !== text) {
			console.error(`${file} is stale or was edited by hand: run node scripts/fattureincloud/operations.mjs`);
			stale++;
		}
	}
	if (stale > 0) process.exit(1);
	console.log(`operation table up to date: ${operations.length} operations`);
} else {
	for (const [file, text] of files) {
		mkdirSync(dirname(join(outDir, file)), { recursive: true });
		writeFileSync(join(outDir, file), text);
	}
	console.log(`wrote ${TABLE} and ${RESPONSES}: ${operations.length} operations`);
}
console.log(`coverage: ${specOperations} operations in the spec, ${operations.length} in the table, ${missing.length} not offered${missing.length ? `: ${missing.join(', ')}` : ''}`);
if (missing.length > 0) process.exit(1);
