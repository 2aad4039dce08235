// The providers that joined the demo after fiskaly and Checkfront: each brings its simulator, its demo
// credentials (pointing at the simulator through the loopback override), its example workflows, what the
// demo prints about it and one picker the editor check asks n8n for. startDemo (demo.ts) starts, imports
// and stops them like the first two.
import { fattureInCloudDemo } from './fattureincloud';
import { hubriseDemo } from './hubrise';
import { inbentaDemo } from './inbenta';

/** What startDemo needs of a simulator: loopback server(s) with request logs, started and stopped as one. */
export interface DemoSimulator {
	/**
	 * Starts every server of the simulator, the main one on `port` (0: any free port), and resolves to the URL
	 * the demo credentials point at. Called again with 0 when `port` was taken.
	 */
	start(port: number): Promise<string>;
	/** Every server it runs (Inbenta runs four), for the request-log trim of a long-running demo. */
	servers(): Array<{ requests: unknown[]; clearLog(): void }>;
	stop(): Promise<void>;
}

/** A demo workflow: an n8n import:workflow object plus what the demo and its checks need to know of it. */
export interface DemoWorkflow {
	id: string;
	name: string;
	active: boolean;
	settings: object;
	nodes: object[];
	connections: object;
	/** Not imported: the node whose output shows the result (the editor check expects items there). */
	resultNode: string;
	/** Not imported: set when a run needs a person (why, and what to do); "every demo workflow runs" skips it. */
	interactive?: string;
}

/** A picker (searchable list) of the provider's node, as the editor asks n8n for it over REST. */
export interface DemoPicker {
	kind: 'listSearch' | 'loadOptions';
	nodeType: string;
	methodName: string;
	/** The parameter path, e.g. parameters.locationId */
	path: string;
	currentNodeParameters: Record<string, unknown>;
	credentials: Record<string, { id: string; name: string }>;
	/** The values n8n must list, read from the running simulator. */
	expected(): string[];
}

/** One demo run of a provider (a fresh simulator per startDemo, so two runs in one process share nothing). */
export interface DemoProviderRun {
	simulator: DemoSimulator;
	/** n8n import:credentials objects for the simulator at `url`. */
	credentials(url: string): object[];
	workflows(): DemoWorkflow[];
	/** Ids of OAuth2 credentials to connect through n8n's own flow once the server runs. */
	connectOAuth2?: string[];
	/** Lines for the demo's printout ("What to try"), once the simulator runs at `url`. */
	printout(url: string): string[];
	picker: DemoPicker;
}

export interface DemoProvider {
	/** As users know it, for the progress lines. */
	name: string;
	/** Port tried first, for stable URLs between runs. */
	preferredPort: number;
	create(): DemoProviderRun;
}

export const EXTRA_PROVIDERS: DemoProvider[] = [hubriseDemo, inbentaDemo, fattureInCloudDemo];
