import type { IDataObject } from 'n8n-workflow';

import { APPROVAL_PATH, createSimulator, demoCredentials, demoWorkflows, DEMO_IDS, startSimulator } from '../../../scripts/demo/fattureincloud';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { newHarness } from './setup';

/**
 * The demo module (scripts/demo/fattureincloud.ts) through n8n-core: its credentials point at its simulator,
 * and each demo workflow's nodes run (OAuth2 is connected by the demo; the device login is approved the way a
 * person does it in the demo: on the simulator's approval page, which the step's message links to).
 */
const sim = createSimulator();
let url: string;
beforeAll(async () => {
	url = await startSimulator(sim);
});
afterAll(async () => {
	await sim.stop();
});

it('every demo workflow runs against the demo simulator with its credential', async () => {
	resetTokenState();
	const harness = newHarness();
	for (const credential of demoCredentials(sim.server.url, sim) as Array<{ id: string; name: string; type: string; data: IDataObject }>) {
		harness.addCredential(credential.id, credential.type, credential.data, credential.name);
	}
	// What the demo's OAuth2 connect flow stores.
	harness.store.update(DEMO_IDS.fattureInCloudOAuth2Api, { ...harness.store.read(DEMO_IDS.fattureInCloudOAuth2Api), oauthTokenData: sim.issuePair(['issued_documents.invoices:r']) });
	let approvals = 0;
	const workflows = demoWorkflows();
	expect(workflows).toHaveLength(5); // one per credential type, and the keep-alive
	for (const workflow of workflows) {
		for (const node of workflow.nodes as Array<{ type: string; parameters: IDataObject; credentials?: Record<string, { id: string }> }>) {
			if (!node.credentials) continue;
			const [type, ref] = Object.entries(node.credentials)[0];
			const run = () => harness.run({ type: 'fattureInCloud', parameters: node.parameters, credentials: { [type]: ref.id } });
			let result = await run();
			// The device credential's first run stops with the link to the approval page and the code.
			const shown = /device login: open (\S+) and enter the code ([A-Z]+-[A-Z]+)/.exec(result.error?.message ?? '');
			if (type === 'fattureInCloudDeviceCodeApi' && shown) {
				approvals += 1;
				expect(shown[1]).toBe(`${url}${APPROVAL_PATH}`);
				const page = await fetch(shown![1]);
				expect(await page.text()).toContain(`value="${shown![2]}"`);
				const decided = await fetch(shown![1], { method: 'POST', body: new URLSearchParams({ user_code: shown![2].toLowerCase(), decision: 'approved' }) });
				expect({ status: decided.status, text: await decided.text() }).toEqual({ status: 200, text: expect.stringContaining('Approved') });
				const again = await fetch(shown![1], { method: 'POST', body: new URLSearchParams({ user_code: shown![2], decision: 'approved' }) });
				expect(again.status).toBe(404); // a code is decided once
				result = await run();
			}
			expect({ workflow: workflow.name, node: node.parameters.operation, error: result.error?.message }).toEqual({ workflow: workflow.name, node: node.parameters.operation, error: undefined });
			expect(result.items.length).toBeGreaterThan(0);
		}
	}
	expect(approvals).toBe(1);
	// only the device-code workflow is marked as needing a person (the editor check skips it)
	const needsPerson = (workflow: (typeof workflows)[number]) => JSON.stringify(workflow.nodes).includes('"fattureInCloudDeviceCodeApi"');
	expect(workflows.filter((workflow) => workflow.interactive)).toEqual(workflows.filter(needsPerson));
	expect(workflows.filter(needsPerson)).toHaveLength(1);
});
