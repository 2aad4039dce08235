import * as fs from 'fs';
import * as path from 'path';

import { RESOURCES } from '../../nodes/Checkfront/actions';
import { RESOURCES as FIC_RESOURCES } from '../../nodes/FattureInCloud/actions';
import { FIC_KEEP_ALIVE_FACTS } from '../../nodes/FattureInCloud/auth';
import { checkfrontKeepAliveTemplate, fattureInCloudKeepAliveTemplate, keepAliveDemoWorkflows } from '../../scripts/demo/keepAlive';

/**
 * The importable template in templates/ is what the builder makes (regenerate it with
 * UPDATE_TEMPLATES=1 npx jest test/unit/keepAliveTemplate.test.ts), and it names an operation the
 * Checkfront node really has.
 */

const TEMPLATES = { 'checkfront-keep-alive.json': checkfrontKeepAliveTemplate, 'fattureincloud-keep-alive.json': fattureInCloudKeepAliveTemplate };

it.each(Object.entries(TEMPLATES))('templates/%s is the builder output', (name, build) => {
	const file = path.join(__dirname, '..', '..', 'templates', name);
	const built = `${JSON.stringify(build(), null, 2)}\n`;
	if (process.env.UPDATE_TEMPLATES === '1') fs.writeFileSync(file, built);
	expect(fs.readFileSync(file, 'utf8')).toBe(built);
});

it('the Fatture in Cloud template runs at the policy interval with the refresh-token credential, and has no token or id', () => {
	const template = fattureInCloudKeepAliveTemplate();
	const [schedule, node] = template.nodes;
	expect(schedule).toMatchObject({ parameters: { rule: { interval: [{ field: 'days', daysInterval: FIC_KEEP_ALIVE_FACTS.renewEveryDays }] } } });
	expect(node).toMatchObject({ type: 'n8n-nodes-authbridge.fattureInCloud', parameters: { authentication: 'fattureInCloudRefreshTokenApi', resource: 'connection', operation: 'keepAlive' } });
	expect(FIC_RESOURCES.find((candidate) => candidate.value === 'connection')?.operations.map((operation) => operation.value)).toEqual(['keepAlive']);
	expect(template.id).toBeUndefined();
	expect(JSON.stringify(template)).not.toMatch(/token"|secret/i);
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
