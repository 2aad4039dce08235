/**
 * The keep-alive workflow: Schedule Trigger at the provider's interval → the provider node's
 * Connection → Keep Connection Alive, with a note on setting an Error Workflow. One builder for the
 * importable templates (templates/*-keep-alive.json, checked against it by
 * test/unit/keepAliveTemplate.test.ts), the demo (the lead wires `keepAliveDemoWorkflows` into
 * demo.ts) and the end-to-end test. Plain data only: no import from the package or n8n.
 */

export interface KeepAliveTemplateOptions {
	id?: string;
	name: string;
	/** The provider node type, e.g. n8n-nodes-authbridge.checkfront */
	nodeType: string;
	provider: string;
	/** The node's "Authentication" value, when the node has that selector. */
	authentication?: string;
	credentialType: string;
	credential: { id: string; name: string };
	/** The schedule: every N weeks (Checkfront: 1) or every N days (Fatture in Cloud: 30). */
	every: { weeks: number } | { days: number };
	/** Hour of the day (0-23) to run at: a quiet hour, so no job is in flight during the rotation. */
	hour?: number;
}

export interface TemplateWorkflow {
	id?: string;
	name: string;
	active: boolean;
	settings: Record<string, unknown>;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
}

/** The scheduled keep-alive workflow for one credential. */
export function keepAliveWorkflow(options: KeepAliveTemplateOptions): TemplateWorkflow {
	const hour = options.hour ?? 3;
	const interval =
		'weeks' in options.every
			? { field: 'weeks', weeksInterval: options.every.weeks, triggerAtDay: [1], triggerAtHour: hour }
			: { field: 'days', daysInterval: options.every.days, triggerAtHour: hour };
	const schedule = 'weeks' in options.every ? `every ${options.every.weeks === 1 ? 'week' : `${options.every.weeks} weeks`}` : `every ${options.every.days} days`;
	const keepAliveName = `Keep ${options.provider} Connection Alive`;
	return {
		...(options.id ? { id: options.id } : {}),
		name: options.name,
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
		nodes: [
			{
				id: 'a0000000-0000-4000-8000-0000000000a1',
				name: 'Schedule',
				type: 'n8n-nodes-base.scheduleTrigger',
				typeVersion: 1.2,
				position: [0, 0],
				parameters: { rule: { interval: [interval] } },
			},
			{
				id: 'a0000000-0000-4000-8000-0000000000a2',
				name: keepAliveName,
				type: options.nodeType,
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					...(options.authentication ? { authentication: options.authentication } : {}),
					resource: 'connection',
					operation: 'keepAlive',
				},
				credentials: { [options.credentialType]: options.credential },
			},
			{
				id: 'a0000000-0000-4000-8000-0000000000a3',
				name: 'How to use',
				type: 'n8n-nodes-base.stickyNote',
				typeVersion: 1,
				position: [-40, -260],
				parameters: {
					width: 520,
					height: 220,
					content:
						`## Keep the ${options.provider} connection alive\n` +
						`Runs ${schedule} at ${String(hour).padStart(2, '0')}:00 and renews the refresh token of the credential, so that rare ` +
						'workflows find it working.\n\n' +
						'1. Choose your credential in the node, then **activate** this workflow.\n' +
						'2. **Workflow settings → Error Workflow**: pick a workflow that alerts you. If the connection is already dead, ' +
						'this run fails with "reconnect the credential" days before any job needs it.\n' +
						'3. One keep-alive workflow per credential.',
				},
			},
		],
		connections: { Schedule: { main: [[{ node: keepAliveName, type: 'main', index: 0 }]] } },
	};
}

/** The published template: Checkfront OAuth2, weekly (its refresh tokens die 14 days after issue). */
export function checkfrontKeepAliveTemplate(packageName = 'n8n-nodes-authbridge'): TemplateWorkflow {
	return keepAliveWorkflow({
		name: 'Keep the Checkfront connection alive (weekly)',
		nodeType: `${packageName}.checkfront`,
		provider: 'Checkfront',
		authentication: 'checkfrontOAuth2Api',
		credentialType: 'checkfrontOAuth2Api',
		credential: { id: '', name: 'Checkfront OAuth2' },
		every: { weeks: 1 },
	});
}

/**
 * The published template for Fatture in Cloud: every 90 days (a refresh token dies one year after its
 * last use), for the unattended refresh-token credential; switch Authentication for OAuth2 or device code.
 */
export function fattureInCloudKeepAliveTemplate(packageName = 'n8n-nodes-authbridge'): TemplateWorkflow {
	return keepAliveWorkflow({
		name: 'Keep the Fatture in Cloud connection alive (every 90 days)',
		nodeType: `${packageName}.fattureInCloud`,
		provider: 'Fatture in Cloud',
		authentication: 'fattureInCloudRefreshTokenApi',
		credentialType: 'fattureInCloudRefreshTokenApi',
		credential: { id: '', name: 'Fatture in Cloud (refresh token)' },
		every: { days: 90 },
	});
}

/** For the demo: the template bound to the demo's connected Checkfront OAuth2 credential. */
export function keepAliveDemoWorkflows(demo: {
	packageName: string;
	workflowId: string;
	checkfrontOAuth2Credential: { id: string; name: string };
}): TemplateWorkflow[] {
	return [
		keepAliveWorkflow({
			id: demo.workflowId,
			name: 'Checkfront demo: keep the OAuth2 connection alive (weekly)',
			nodeType: `${demo.packageName}.checkfront`,
			provider: 'Checkfront',
			authentication: 'checkfrontOAuth2Api',
			credentialType: 'checkfrontOAuth2Api',
			credential: demo.checkfrontOAuth2Credential,
			every: { weeks: 1 },
		}),
	];
}
