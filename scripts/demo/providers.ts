// The providers that joined the demo after fiskaly and Checkfront: each brings its simulator, its demo
// credentials (pointing at the simulator through the loopback override) and its example workflows.
// startDemo (demo.ts) starts, imports and stops them like the first two.

/** What startDemo needs of a simulator: a loopback server with a request log, and a way to stop it. */
export interface DemoSimulator {
	server: { start(port?: number): Promise<string>; requests: unknown[]; clearLog(): void };
	stop(): Promise<void>;
}

export interface DemoProvider {
	/** As users know it, for the progress lines. */
	name: string;
	/** Port tried first, for stable URLs between runs. */
	preferredPort: number;
	createSimulator(): DemoSimulator;
	/** n8n import:credentials objects for the simulator at `url`. */
	credentials(url: string, simulator: DemoSimulator): object[];
	/** n8n import:workflow objects (a manual trigger and the provider's node). */
	workflows(): Array<{ id: string; name: string; nodes: object[]; connections: object }>;
	/** Ids of OAuth2 credentials to connect through n8n's own flow once the server runs. */
	connectOAuth2?: string[];
}

export const EXTRA_PROVIDERS: DemoProvider[] = [];
