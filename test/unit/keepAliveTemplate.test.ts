import * as fs from 'fs';
import * as path from 'path';

import { RESOURCES } from '../../nodes/Checkfront/actions';
import { checkfrontKeepAliveTemplate, keepAliveDemoWorkflows } from '../../scripts/demo/keepAlive';

/**
 * The importable template in templates/ is what the builder makes (regenerate it with
 * UPDATE_TEMPLATES=1 npx jest test/unit/keepAliveTemplate.test.ts), and it names an operation the
 * Checkfront node really has.
 */

const FILE = path.join(__dirname, '..', '..', 'templates', 'checkfront-keep-alive.json');

it('templates/checkfront-keep-alive.json is the builder output', () => {
	const built = `${JSON.stringify(checkfrontKeepAliveTemplate(), null, 2)}\n`;
	if (process.env.UPDATE_TEMPLATES === '1') fs.writeFileSync(FILE, built);
	expect(fs.readFileSync(FILE, 'utf8')).toBe(built);
});

it('runs weekly, calls Connection → Keep Connection Alive with the OAuth2 credential, and has no token or id', () => {
	const template = checkfrontKeepAliveTemplate();
	const [schedule, node] = template.nodes;
	expect(schedule).toMatchObject({ type: 'n8n-nodes-base.scheduleTrigger', parameters: { rule: { interval: [{ field: 'weeks', weeksInterval: 1 }] } } });
	expect(node).toMatchObject({ type: 'n8n-nodes-authbridge.checkfront', parameters: { authentication: 'checkfrontOAuth2Api', resource: 'connection', operation: 'keepAlive' } });
	const resource = RESOURCES.find((candidate) => candidate.value === 'connection');
	expect(resource?.operations.map((operation) => operation.value)).toEqual(['keepAlive']);
	expect(template.id).toBeUndefined();
	expect(JSON.stringify(template)).not.toMatch(/token"|secret/i);
	expect(keepAliveDemoWorkflows({ packageName: 'p', workflowId: 'demoKeepAlive001', checkfrontOAuth2Credential: { id: 'c', name: 'n' } })[0]).toMatchObject({ id: 'demoKeepAlive001' });
});
