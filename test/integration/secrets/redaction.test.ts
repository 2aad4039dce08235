import { encodings } from '../../secret-encodings';
import type { RecordedRequest, Reply } from '../../simulators/framework';
import { ForeignHost, leaksIn, providerCases, startAll, stopAll, tally } from './rig';

/**
 * Hostile answers that echo every secret the credential holds or obtained during the run (the first
 * token, a token renewed after a 401, an OAuth2 pair n8n-core refreshed), in every encoding, as
 * values and as JSON keys, in a 2xx body and in an error body. Nothing of it may reach the output
 * items, the error's message, description or context, or the serialized run.
 */

const foreign = new ForeignHost();
beforeAll(async () => await startAll(foreign));
afterAll(async () => {
	await stopAll(foreign);
	// eslint-disable-next-line no-console
	console.log(`secrets/redaction: ${tally.cases} cases, ${tally.leaks} secrets leaked`);
});

const ENCODING_NAMES = Object.keys(encodings('probe-secret'));

/** A body that holds each secret of the moment in one encoding: as value, nested, in an echoed header, and as a key. */
function hostileBody(secrets: string[], encoding: string, request: RecordedRequest): Record<string, unknown> {
	const echo = { authorization: request.headers.authorization ?? '', 'x-access-token': request.headers['x-access-token'] ?? '', 'x-inbenta-key': request.headers['x-inbenta-key'] ?? '' };
	const body: Record<string, unknown> = { ok: true, echo };
	secrets.forEach((secret, index) => {
		const form = encodings(secret)[encoding];
		body[`value${index}`] = `before ${form} after`;
		body[`nested${index}`] = { list: [form, { deeper: form }] };
		body[form] = `secret used as a key (${index})`;
	});
	return body;
}

for (const provider of providerCases()) {
	describe(provider.name, () => {
		for (const moment of provider.moments) {
			for (const encoding of ENCODING_NAMES) {
				for (const answer of ['2xx', '4xx', '4xx continueOnFail'] as const) {
					it(`${moment}, ${encoding}, ${answer}`, async () => {
						provider.reset({ moment });
						let echoed: string[] = [];
						provider.server.clearFaults();
						provider.server.inject(
							{
								kind: 'reply',
								reply: (request): Reply => {
									echoed = provider.secretsNow(request).filter((secret) => secret.length >= 4);
									const json = hostileBody(echoed, encoding, request);
									if (answer === '2xx') return { status: 200, json };
									const last = echoed[echoed.length - 1];
									return { status: 400, json: { ...json, message: `refused: ${encodings(echoed[0])[encoding]}`, error: { message: `bad ${encodings(last)[encoding]}`, code: 'E_HOSTILE' } } };
								},
							},
							// Only a call that carries a live credential: after the renewal, not the 401'd one.
							{ match: (request) => provider.isApiCall(request) && provider.isLive(request) },
						);
						const result = await provider.run({ continueOnFail: answer === '4xx continueOnFail' });
						provider.server.clearFaults();
						// The hostile answer was really given, with the secrets of that moment in it.
						expect(new Set(echoed).size).toBeGreaterThanOrEqual(provider.minSecrets);
						if (moment === 'renewed token') expect(echoed.some((secret) => /dead-/.test(secret))).toBe(false);
						if (answer === '2xx') {
							expect(result.error).toBeUndefined();
							expect(result.items).toHaveLength(1);
							expect(result.items[0].json.ok).toBe(true);
						} else if (answer === '4xx') {
							expect(result.error?.message).toMatch(/400/);
						} else {
							expect(result.items).toHaveLength(1);
							expect(String(result.items[0].json.error)).toMatch(/400/);
						}
						expect(leaksIn(result, echoed)).toEqual([]);
					});
				}
			}
		}
	});
}
