import * as fs from 'fs';
import * as path from 'path';

import { DEMO_IDS, demoCredentials, demoWorkflows } from '../../scripts/demo/demo';
import { EXTRA_PROVIDERS } from '../../scripts/demo/providers';
import type { DemoWorkflow } from '../../scripts/demo/providers';
import { CheckfrontSimulator } from '../../test/simulators/checkfront';
import { FiskalySimulator } from '../../test/simulators/fiskaly';

/**
 * What `n8n import:workflow` and `n8n execute` would refuse, checked before any n8n starts: every demo workflow
 * (fiskaly, Checkfront, the keep-alive and every provider of scripts/demo/providers.ts) has an id n8n 1.x
 * accepts (16 characters at most), unique node ids and names, connections between its own nodes, a manual
 * trigger (`n8n execute` starts nowhere else), its result node, and credentials the demo imports.
 */

const URL = 'http://127.0.0.1:1';
const runs = EXTRA_PROVIDERS.map((provider) => ({ provider, run: provider.create() }));
const credentials = [
	...demoCredentials({ fiskaly: URL, checkfront: URL }, new FiskalySimulator(), new CheckfrontSimulator()),
	...runs.flatMap(({ run }) => run.credentials(URL)),
] as Array<{ id: string; name: string; type: string }>;
const workflows: DemoWorkflow[] = [...demoWorkflows(), ...runs.flatMap(({ run }) => run.workflows())];

type Node = { id: string; name: string; type: string; credentials?: Record<string, { id: string; name: string }> };

it('every package credential type has a demo credential, and every id is unique and at most 16 characters', () => {
	const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { n8n: { credentials: string[] } };
	expect(manifest.n8n.credentials).toHaveLength(new Set(credentials.map((credential) => credential.type)).size);
	const ids = [...credentials.map((credential) => credential.id), ...workflows.map((workflow) => workflow.id)];
	expect(ids.filter((id) => id.length > 16)).toEqual([]);
	expect(new Set(ids).size).toBe(ids.length);
	expect(workflows.map((workflow) => workflow.id)).toContain(DEMO_IDS.keepAliveWorkflow);
});

it.each(workflows.map((workflow) => [workflow.name, workflow] as const))('%s: importable and runnable by n8n execute', (_name, workflow) => {
	const nodes = workflow.nodes as Node[];
	const names = nodes.map((node) => node.name);
	expect(new Set(nodes.map((node) => node.id)).size).toBe(nodes.length);
	expect(new Set(names).size).toBe(nodes.length);
	expect(nodes.some((node) => node.type === 'n8n-nodes-base.manualTrigger')).toBe(true);
	expect(names).toContain(workflow.resultNode);
	for (const [from, output] of Object.entries(workflow.connections as Record<string, { main: Array<Array<{ node: string }>> }>)) {
		expect(names).toContain(from);
		for (const target of output.main.flat()) expect(names).toContain(target.node);
	}
	for (const node of nodes) {
		for (const [type, ref] of Object.entries(node.credentials ?? {})) {
			expect(credentials).toContainEqual(expect.objectContaining({ id: ref.id, name: ref.name, type }));
		}
	}
});

it('only the Fatture in Cloud device-code workflow needs a person; each provider picker uses a demo credential', () => {
	expect(workflows.filter((workflow) => workflow.interactive).map((workflow) => workflow.name)).toEqual([expect.stringMatching(/device code/)]);
	for (const { run } of runs) {
		for (const [type, ref] of Object.entries(run.picker.credentials)) expect(credentials).toContainEqual(expect.objectContaining({ ...ref, type }));
	}
});
