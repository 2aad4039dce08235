import { FiskalyApi } from '../../../credentials/FiskalyApi.credentials';
import type { FiskalyFamily } from '../../../nodes/Fiskaly/auth';
import { Fiskaly } from '../../../nodes/Fiskaly/Fiskaly.node';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { Harness } from '../../harness';
import type { RunOptions, RunResult } from '../../harness';
import type { FiskalySimulator } from '../../simulators/fiskaly';

/** A harness with one fiskaly credential pointing at the simulator (through the loopback override). */
export class FiskalyRig {
	readonly harness = new Harness({ credentialTypes: [new FiskalyApi()], nodeTypes: { fiskaly: new Fiskaly() } });

	constructor(
		readonly sim: FiskalySimulator,
		family: FiskalyFamily = 'signDe',
		extra: Record<string, unknown> = {},
	) {
		resetTokenState();
		sim.server.clearLog();
		sim.server.clearFaults();
		sim.tokenCalls.length = 0;
		this.harness.addCredential('fk', 'fiskalyApi', {
			family,
			environment: 'test',
			apiKey: sim.apiKey,
			apiSecret: sim.apiSecret,
			baseUrlOverride: sim.server.url,
			accessToken: '',
			...extra,
		});
	}

	run(parameters: RunOptions['parameters'], options: Partial<RunOptions> = {}): Promise<RunResult> {
		return this.harness.run({ type: 'fiskaly', parameters, credentials: { fiskalyApi: 'fk' }, ...options });
	}

	stored() {
		return this.harness.store.read('fk');
	}

	/** Overwrites stored fields, as if an earlier run (or another n8n process) had persisted them. */
	patchStored(fields: Record<string, unknown>): void {
		this.harness.store.update('fk', { ...this.stored(), ...fields } as never);
	}
}

/** Everything a user or log could see of a run: the error's texts and every output item. */
export function visibleText(result: RunResult): string {
	const error = result.error;
	return JSON.stringify({
		message: error?.message,
		description: error?.description,
		context: error?.context,
		items: result.items.map((item) => item.json),
	});
}
