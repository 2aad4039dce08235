import * as path from 'path';
import { execFileSync } from 'child_process';
import type { ICredentialType, INodeProperties, INodePropertyCollection, INodePropertyOptions, INodeType } from 'n8n-workflow';

import { readPackageJson } from '../e2e/lib/realPackage';

/**
 * Checked descriptions. Much of what a user reads is built by code (buildProperties, idLocator,
 * customApiCallResource, operations made by small factories), and text handed to a builder never
 * reaches either lint plugin. So this test takes every node and credential the package declares,
 * AFTER the builders ran, writes each back out as one literal class, and lints that text with the
 * project's own ESLint configuration, under the real file name, so every rule of both plugins reads
 * every built string. It adds the checks no lint rule makes on built descriptions: an action on every
 * operation, a default on every field, unique option values, unique names per display condition.
 * A planted bad string proves, on every run, that the check catches what it should.
 */

const ROOT = path.resolve(__dirname, '../..');
const pkg = readPackageJson() as { n8n: { nodes: string[]; credentials: string[] } };

/** dist/nodes/X/X.node.js -> nodes/X/X.node.ts */
const sourceOf = (distPath: string) => distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts');

function loadClass<T>(file: string): { name: string; instance: T } {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exports = require(path.join(ROOT, file)) as Record<string, new () => T>;
	const [name, Class] = Object.entries(exports).find(([, value]) => typeof value === 'function')!;
	return { name, instance: new Class() };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Code written as it is (an identifier such as NodeConnectionTypes.Main), not as a string. */
class Code {
	constructor(readonly code: string) {}
}

/** A value as TypeScript source with unquoted keys, so lint rules see the same AST as hand-written code. */
function toSource(value: unknown, indent = 1): string {
	const pad = '\t'.repeat(indent);
	const close = '\t'.repeat(indent - 1);
	if (value instanceof Code) return value.code;
	if (Array.isArray(value)) {
		if (value.length === 0) return '[]';
		return `[\n${value.map((entry) => `${pad}${toSource(entry, indent + 1)},`).join('\n')}\n${close}]`;
	}
	if (typeof value === 'object' && value !== null) {
		const entries = Object.entries(value).filter(([, entry]) => entry !== undefined && typeof entry !== 'function');
		if (entries.length === 0) return '{}';
		const lines = entries.map(([key, entry]) => `${pad}${IDENTIFIER.test(key) ? key : JSON.stringify(key)}: ${toSource(entry, indent + 1)},`);
		return `{\n${lines.join('\n')}\n${close}}`;
	}
	if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
	return JSON.stringify(value);
}

const connections = (list: unknown) =>
	Array.isArray(list) ? list.map((entry) => (entry === 'main' ? new Code('NodeConnectionTypes.Main') : entry)) : list;

function nodeSource(className: string, node: INodeType): string {
	const description = { ...node.description, inputs: connections(node.description.inputs), outputs: connections(node.description.outputs) };
	return [
		"import { NodeConnectionTypes } from 'n8n-workflow';",
		"import type { INodeType, INodeTypeDescription } from 'n8n-workflow';",
		'',
		`export class ${className} implements INodeType {`,
		`\tdescription: INodeTypeDescription = ${toSource(description, 2)};`,
		// A webhook trigger's lifecycle methods, by name (their bodies are code, not description).
		...Object.entries(node.webhookMethods ?? {}).map(
			([name, methods]) => `\twebhookMethods = { ${name}: { ${Object.keys(methods).map((method) => `async ${method}() { return true; }`).join(', ')} } };`,
		),
		'}',
		'',
	].join('\n');
}

const CREDENTIAL_FIELDS = ['name', 'extends', 'displayName', 'icon', 'documentationUrl', 'httpRequestNode', 'properties', 'authenticate', 'test'] as const;
const CREDENTIAL_TYPES: Record<string, string> = {
	properties: 'INodeProperties[]',
	test: 'ICredentialTestRequest',
	authenticate: 'IAuthenticateGeneric',
};

function credentialSource(className: string, credential: ICredentialType): string {
	const members = CREDENTIAL_FIELDS.filter((field) => {
		const value = (credential as unknown as Record<string, unknown>)[field];
		return value !== undefined && typeof value !== 'function';
	}).map((field) => {
		const value = (credential as unknown as Record<string, unknown>)[field];
		const type = CREDENTIAL_TYPES[field] ? `: ${CREDENTIAL_TYPES[field]}` : '';
		const literal = field === 'icon' && typeof value === 'string' ? `${toSource(value)} as const` : toSource(value, 2);
		return `\t${field}${type} = ${literal};`;
	});
	return [
		"import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';",
		'',
		`export class ${className} implements ICredentialType {`,
		members.join('\n\n'),
		'}',
		'',
	].join('\n');
}

// --- the checks no lint rule makes on built descriptions ---------------------------------------------

type AnyProperty = INodeProperties | INodePropertyCollection;

function* walk(properties: readonly AnyProperty[], where: string): Generator<{ property: AnyProperty; where: string }> {
	for (const property of properties) {
		const here = `${where} > ${property.displayName ?? property.name}`;
		yield { property, where: here };
		const options = (property as INodeProperties).options ?? [];
		for (const option of options) {
			if ('values' in option && Array.isArray(option.values)) yield* walk(option.values, `${here} > ${option.displayName}`);
			else if ('type' in option && 'name' in option && 'displayName' in option) yield* walk([option as INodeProperties], here);
		}
		for (const value of (property as INodePropertyCollection).values ?? []) yield* walk([value], here);
	}
}

/** Problems a reader would hit in the built description, one line each. */
function ownChecks(label: string, properties: readonly INodeProperties[]): string[] {
	const problems: string[] = [];
	const seenFields = new Map<string, string>();
	for (const { property, where } of walk(properties, label)) {
		if (!('type' in property)) continue;
		const field = property as INodeProperties;
		if (field.default === undefined && field.type !== 'notice') problems.push(`${where}: no default`);
		const choices = (field.options ?? []) as Array<INodePropertyOptions | INodeProperties | INodePropertyCollection>;
		const values = choices.filter((option): option is INodePropertyOptions => 'value' in option).map((option) => String(option.value));
		const duplicate = values.find((value, index) => values.indexOf(value) !== index);
		if (duplicate !== undefined) problems.push(`${where}: option value "${duplicate}" appears twice`);
		if (field.name === 'operation' && field.type === 'options') {
			for (const option of choices as INodePropertyOptions[]) {
				if (!option.action) problems.push(`${where} > ${option.name}: operation without an action`);
			}
		}
		// Two fields with one name may exist only if they are never shown together.
		if (where.split(' > ').length === 2) {
			const key = `${field.name} ${JSON.stringify(field.displayOptions ?? {})}`;
			if (seenFields.has(key)) problems.push(`${where}: same name and display conditions as ${seenFields.get(key)}`);
			seenFields.set(key, where);
		}
	}
	return problems;
}

// --- the described package ---------------------------------------------------------------------------

interface Described {
	file: string;
	className: string;
	source: string;
	properties: INodeProperties[];
}

function describedPackage(plant?: (properties: INodeProperties[]) => void): Described[] {
	const nodes = pkg.n8n.nodes.map(sourceOf).map((file) => {
		const { name, instance } = loadClass<INodeType>(file);
		const description = structuredClone({ ...instance.description, properties: instance.description.properties });
		plant?.(description.properties);
		return { file, className: name, source: nodeSource(name, { description, webhookMethods: instance.webhookMethods } as INodeType), properties: description.properties };
	});
	const credentials = pkg.n8n.credentials.map(sourceOf).map((file) => {
		const { name, instance } = loadClass<ICredentialType>(file);
		return { file, className: name, source: credentialSource(name, instance), properties: instance.properties };
	});
	return [...nodes, ...credentials];
}

interface LintResult {
	filePath: string;
	messages: Array<{ ruleId: string | null; message: string; line: number }>;
}

/** Lints several versions of the package in one ESLint process (each start costs seconds); problems per version. */
function lintVersions(versions: Described[][]): string[][] {
	const flat = versions.flat();
	const input = JSON.stringify(flat.map((entry) => ({ filePath: path.join(ROOT, entry.file), source: entry.source })));
	// Without jest's NODE_ENV=test: in a test environment the lint plugin pretends every file is "Test.node.ts".
	const env = { ...process.env };
	delete env.NODE_ENV;
	const output = execFileSync(process.execPath, [path.join(ROOT, 'test/support/lintTexts.mjs')], { cwd: ROOT, input, env });
	const results = JSON.parse(output.toString('utf8')) as LintResult[];
	let offset = 0;
	return versions.map((version) => {
		const problems: string[] = [];
		version.forEach((entry, index) => {
			for (const message of results[offset + index].messages) {
				const line = entry.source.split('\n')[message.line - 1]?.trim() ?? '';
				// A JSON body's placeholder is an example request (Fatture in Cloud's spec examples): its "id" keys are
				// data, not prose, so the "write ID" rule does not apply to it. Only that rule, only JSON placeholders.
				if (message.ruleId === 'n8n-nodes-base/node-param-placeholder-miscased-id' && /^placeholder: '\{\\n/.test(line)) continue;
				problems.push(`${entry.file}: ${message.ruleId ?? 'parse'}: ${message.message} [${line.slice(0, 120)}]`);
			}
		});
		offset += version.length;
		return problems;
	});
}

const plantIn = (mutate: (property: INodeProperties) => void) =>
	describedPackage((properties) => {
		const field = properties.find((property) => property.name === 'bookingId' || property.name === 'tssId');
		if (field) mutate(field);
	});

const described = describedPackage();
const [asBuilt, miscased, finalPeriod] = lintVersions([
	described,
	plantIn((field) => (field.displayName = 'booking id')),
	plantIn((field) => (field.description = 'The booking to read.')),
]);

describe('every built node and credential description', () => {

	it('covers every node and credential of package.json', () => {
		expect(described.map((entry) => entry.file).sort()).toEqual(
			[...pkg.n8n.nodes, ...pkg.n8n.credentials].map(sourceOf).sort(),
		);
		const fieldCount = described.reduce((sum, entry) => sum + [...walk(entry.properties, entry.file)].length, 0);
		// eslint-disable-next-line no-console
		console.log(`descriptions checked: ${described.length} classes, ${fieldCount} fields and nested values`);
		expect(fieldCount).toBeGreaterThan(100);
	});

	it('passes both lint plugins when written out as literals', () => {
		expect(asBuilt).toEqual([]);
	});

	it('has an action on every operation, a default on every field, unique option values', () => {
		expect(described.flatMap((entry) => ownChecks(entry.file, entry.properties))).toEqual([]);
	});
});

describe('the check catches a planted bad string (planted in a copy, never in the tree)', () => {
	it('a miscased display name', () => {
		expect(miscased.join('\n')).toMatch(/node-param-display-name-miscased/);
	});

	it('a description with a final period', () => {
		expect(finalPeriod.join('\n')).toMatch(/node-param-description-excess-final-period/);
	});

	it('an operation without an action, and a field without a default', () => {
		const planted = describedPackage((properties) => {
			// Nodes without operations (triggers) are left as they are.
			const operation = properties.find((property) => property.name === 'operation');
			if (!operation) return;
			delete (operation.options![0] as INodePropertyOptions).action;
			delete (properties.find((property) => property.name === 'limit') as Partial<INodeProperties>).default;
		});
		const problems = planted.flatMap((entry) => ownChecks(entry.file, entry.properties)).join('\n');
		expect(problems).toMatch(/operation without an action/);
		expect(problems).toMatch(/no default/);
	});
});
