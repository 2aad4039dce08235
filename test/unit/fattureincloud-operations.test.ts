import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { FIC_API_OPERATIONS } from '../../nodes/FattureInCloud/operations.generated';
import { FIC_OPERATIONS } from '../../nodes/FattureInCloud/scopes.generated';

/**
 * The operation table generated from Fatture in Cloud's OpenAPI description: the drift check (the committed
 * table edited by hand, or the spec changed, fails it; a clean tree passes) and the coverage report (every
 * operation of the spec is in the table: 0 not offered).
 */

const ROOT = path.resolve(__dirname, '../..');
const SPEC = path.join(ROOT, 'scripts/fattureincloud/openapi.yaml');
const GENERATOR = path.join(ROOT, 'scripts/fattureincloud/operations.mjs');
const TABLE = 'nodes/FattureInCloud/operations.generated.ts';
const RESPONSES = 'test/simulators/fattureincloud.responses.generated.json';

/** A temp copy of the two committed generated files, for --check --out. */
function copyOfCommitted(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fic-table-'));
	for (const file of [TABLE, RESPONSES]) {
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
	}
	return dir;
}

const checkAt = (dir: string, spec = SPEC) => execFileSync('node', [GENERATOR, '--check', '--out', dir, spec], { encoding: 'utf8', stdio: 'pipe' });

describe('drift check', () => {
	it('passes on the committed files, with the coverage report: 123 of 123, 0 not offered', () => {
		const out = execFileSync('node', [GENERATOR, '--check'], { encoding: 'utf8' });
		expect(out).toMatch(/up to date: 123 operations/);
		expect(out).toMatch(/coverage: 123 operations in the spec, 123 in the table, 0 not offered/);
		expect(checkAt(copyOfCommitted())).toMatch(/up to date/);
	});

	it('fails when the committed table is edited by hand', () => {
		const dir = copyOfCommitted();
		const file = path.join(dir, TABLE);
		fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('summary: "List Clients"', 'summary: "List Customers"'));
		expect(() => checkAt(dir)).toThrow(/operations\.generated\.ts is stale or was edited by hand/);
	});

	it('fails when the simulator answers are edited by hand', () => {
		const dir = copyOfCommitted();
		const file = path.join(dir, RESPONSES);
		fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"status": 200', '"status": 201'));
		expect(() => checkAt(dir)).toThrow(/responses\.generated\.json is stale/);
	});

	it('fails when the spec changes (a new query parameter)', () => {
		const changed = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fic-spec-')), 'openapi.yaml');
		const text = fs.readFileSync(SPEC, 'utf8');
		const edited = text.replace("        - $ref: '#/components/parameters/q'\n", "        - $ref: '#/components/parameters/q'\n        - $ref: '#/components/parameters/include_attachment'\n");
		expect(edited).not.toBe(text);
		fs.writeFileSync(changed, edited);
		expect(() => checkAt(copyOfCommitted(), changed)).toThrow(/stale or was edited by hand/);
	});

	it('fails when the spec gains a tag the node has no resource for', () => {
		const changed = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fic-spec-')), 'openapi.yaml');
		fs.writeFileSync(changed, fs.readFileSync(SPEC, 'utf8').replace('      tags:\n        - Clients\n', '      tags:\n        - Loyalty\n'));
		expect(() => checkAt(copyOfCommitted(), changed)).toThrow(/tags without a resource.*Loyalty/);
	});
});

describe('coverage', () => {
	it('has every operation of the spec, once, with a resource, and the scopes of the scopes table', () => {
		const ids = FIC_API_OPERATIONS.map((operation) => operation.operationId);
		expect(new Set(ids).size).toBe(ids.length);
		expect([...ids].sort()).toEqual(Object.keys(FIC_OPERATIONS).sort());
		for (const operation of FIC_API_OPERATIONS) {
			expect(operation.resource).not.toBe('');
			const facts = FIC_OPERATIONS[operation.operationId];
			expect({ method: operation.method, path: operation.path, scopes: operation.scopes }).toEqual({ method: facts.method, path: facts.path, scopes: facts.scopes });
			for (const name of operation.path.match(/\{([a-z_]+)\}/g) ?? []) {
				expect(operation.parameters.some((parameter) => parameter.in === 'path' && `{${parameter.name}}` === name)).toBe(true);
			}
		}
	});

	it('keeps the enums and the body examples of the spec', () => {
		const list = FIC_API_OPERATIONS.find((operation) => operation.operationId === 'listIssuedDocuments')!;
		expect(list.parameters.find((parameter) => parameter.name === 'type')).toMatchObject({ in: 'query', required: true, enum: expect.arrayContaining(['invoice', 'self_supplier_invoice']) });
		expect(list.parameters.find((parameter) => parameter.name === 'fieldset')?.enum).toEqual(['basic', 'detailed', 'fic_view']);
		const create = FIC_API_OPERATIONS.find((operation) => operation.operationId === 'createClient')!;
		expect(create.body?.contentType).toBe('application/json');
		expect(JSON.parse(create.body!.example)).toMatchObject({ data: { name: 'Avv. Maria Rossi' } });
		const upload = FIC_API_OPERATIONS.find((operation) => operation.operationId === 'uploadIssuedDocumentAttachment')!;
		expect(upload.body?.contentType).toBe('multipart/form-data');
	});
});
