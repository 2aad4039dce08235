import { authCalls, run, sim } from './setup';

/**
 * The measurement of the issue, not part of the quick suite (it takes 3 minutes): tokens shortened
 * to 60 s, 1,000 knowledge searches spread over a 3-minute execution. Run with INBENTA_LONG=1.
 */

const long = process.env.INBENTA_LONG ? it : it.skip;

long('60 s tokens over a 3-minute run: refreshes before expiry, no 401, one /auth', async () => {
	sim.lifetimeSeconds = 60;
	sim.searchDelayMs = 175;
	const started = Date.now();
	const { items, error } = await run('apiSecret', { resource: 'knowledge', operation: 'search', query: 'password', limit: 1 }, {
		items: Array.from({ length: 1000 }, (_, index) => ({ index })),
	});
	const seconds = (Date.now() - started) / 1000;
	expect(error).toBeUndefined();
	expect(items).toHaveLength(1000);
	const refreshes = authCalls('/refreshToken');
	// eslint-disable-next-line no-console
	console.log(
		`Inbenta long run: ${seconds.toFixed(0)} s, 1000 searches, ${authCalls('/auth').length} /auth, ${refreshes.length} refreshes (s left at each: ${refreshes.map((r) => ((r.leftMs ?? 0) / 1000).toFixed(1)).join(', ')}), ${sim.unauthorized} answered 401`,
	);
	expect(seconds).toBeGreaterThan(180);
	expect(authCalls('/auth')).toHaveLength(1);
	expect(refreshes.length).toBeGreaterThanOrEqual(3);
	for (const refresh of refreshes) expect(refresh.leftMs).toBeGreaterThan(0);
	expect(sim.unauthorized).toBe(0);
}, 400_000);
