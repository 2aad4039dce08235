import type { IDataObject } from 'n8n-workflow';

import { createSimulator, demoCredentials, demoWorkflows, DEMO_IDS } from '../../../scripts/demo/fattureincloud';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { newHarness } from './setup';

/**
 * The demo module (scripts/demo/fattureincloud.ts) through n8n-core: its credentials point at its simulator,
 * and each demo workflow's nodes run (the device login approves itself there; OAuth2 is connected by the demo).
 */
const sim = createSimulator();
beforeAll(async () => {
	await sim.start();
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
	const workflows = demoWorkflows();
	expect(workflows).toHaveLength(4);
	for (const workflow of workflows) {
		for (const node of workflow.nodes as Array<{ type: string; parameters: IDataObject; credentials?: Record<string, { id: string }> }>) {
			if (!node.credentials) continue;
			const [type, ref] = Object.entries(node.credentials)[0];
			const run = () => harness.run({ type: 'fattureInCloud', parameters: node.parameters, credentials: { [type]: ref.id } });
			let result = await run();
			// The device credential's first run shows the code; the demo simulator approves on the next poll.
			if (type === 'fattureInCloudDeviceCodeApi' && /device login: open/.test(result.error?.message ?? '')) result = await run();
			expect({ workflow: workflow.name, node: node.parameters.operation, error: result.error?.message }).toEqual({ workflow: workflow.name, node: node.parameters.operation, error: undefined });
			expect(result.items.length).toBeGreaterThan(0);
		}
	}
});
