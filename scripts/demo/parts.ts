// Small builders the demo provider modules share (kept apart from providers.ts, which imports those modules).
import type { DemoSimulator } from './providers';

/** A DemoSimulator for a simulator with one server (`server`) and its own stop(). */
export function oneServer(simulator: {
	server: { start(port?: number): Promise<string>; requests: unknown[]; clearLog(): void };
	stop(): Promise<void>;
}): DemoSimulator {
	return {
		start: (port) => simulator.server.start(port),
		servers: () => [simulator.server],
		stop: () => simulator.stop(),
	};
}

/** A manual trigger node (the demo workflows start with one, so `n8n execute` and the editor can run them). */
export function manualTrigger(id: string): { id: string; name: string; type: string; typeVersion: number; position: number[]; parameters: object } {
	return { id, name: "When clicking 'Execute workflow'", type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
}

/**
 * A scheduled keep-alive workflow (scripts/demo/keepAlive.ts) made runnable now: a manual trigger beside the
 * schedule, from the editor or `n8n execute` (which starts only at a manual trigger). Imported inactive.
 */
export function keepAliveRunnableNow<W extends { nodes: Array<Record<string, unknown>>; connections: Record<string, unknown> }>(
	workflow: W,
	nodeType: string,
	triggerId: string,
): W & { resultNode: string } {
	const keepAlive = String(workflow.nodes.find((node) => node.type === nodeType)?.name);
	const runNow = { ...manualTrigger(triggerId), name: 'Run Now', position: [0, 200] };
	return { ...workflow, nodes: [...workflow.nodes, runNow], connections: { ...workflow.connections, ...chain([runNow.name, keepAlive]) }, resultNode: keepAlive };
}

/** Connections of a straight chain of nodes, by name. */
export function chain(names: string[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < names.length; i++) connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return connections;
}
