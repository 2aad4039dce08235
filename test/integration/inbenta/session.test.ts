import { expectNoSecret, json, run, sim } from './setup';

/** Chatbot conversations across items: one session for many items, a timed-out session restarted once. */

const message = (text: string) => ({ text });

it('a conversation of 5 messages across items keeps one session', async () => {
	const { items, error } = await run('apiSecret', { resource: 'chatbot', operation: 'sendMessage', message: '={{ $json.text }}' }, {
		items: ['hi', 'my order', 'is late', 'order 42', 'thanks'].map(message),
	});
	expect(error).toBeUndefined();
	expect(sim.chatbot.requestsTo('POST', '/prod/chatbot/v1/conversation')).toHaveLength(1);
	const messages = sim.chatbot.requestsTo('POST', '/prod/chatbot/v1/conversation/message');
	expect(messages).toHaveLength(5);
	expect(new Set(messages.map((request) => request.headers['x-inbenta-session'])).size).toBe(1);
	expect(messages[0].headers['x-inbenta-session']).toMatch(/^Bearer inb_session_/);
	expect(new Set(json(items).map((item) => item.sessionToken)).size).toBe(1);
	expect(json(items)[4].answers).toEqual([expect.objectContaining({ messageList: ['You said: thanks'] })]);
	// The history of that one session holds all ten turns.
	const history = await run('apiSecret', { resource: 'chatbot', operation: 'getHistory', conversation: String(items[0].json.sessionToken) });
	expect((history.items[0].json.history as unknown[]).length).toBe(10);
	expectNoSecret(items);
});

it('with Concurrency 8 the conversation stays one session and its messages keep their order (Chatbot runs in order)', async () => {
	sim.chatbot.clearLog();
	const texts = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
	const { items, error } = await run('apiSecret', { resource: 'chatbot', operation: 'sendMessage', message: '={{ $json.text }}', concurrency: 8 }, {
		items: texts.map(message),
	});
	expect(error).toBeUndefined();
	expect(sim.chatbot.requestsTo('POST', '/prod/chatbot/v1/conversation')).toHaveLength(1);
	const messages = sim.chatbot.requestsTo('POST', '/prod/chatbot/v1/conversation/message');
	expect(messages.map((request) => (request.body as { message?: string }).message)).toEqual(texts);
	expect(new Set(json(items).map((item) => item.sessionToken)).size).toBe(1);
	expect(items.map((item) => item.pairedItem)).toEqual(texts.map((_text, item) => ({ item })));
});

it('a session from a previous node is used as given, and a timed-out one is restarted once with a note', async () => {
	const first = await run('apiSecret', { resource: 'chatbot', operation: 'startConversation' });
	const session = String(first.items[0].json.sessionToken);
	sim.expireSessions();
	sim.chatbot.clearLog();
	const { items, error } = await run('apiSecret', { resource: 'chatbot', operation: 'sendMessage', conversation: session, message: '={{ $json.text }}' }, {
		items: ['one', 'two', 'three'].map(message),
	});
	expect(error).toBeUndefined();
	const out = json(items);
	expect(out[0]).toEqual(expect.objectContaining({ sessionRestarted: true, note: expect.stringMatching(/timed out/) }));
	expect(out[1].sessionRestarted).toBeUndefined();
	expect(out[1].sessionToken).toBe(out[0].sessionToken);
	expect(out[0].sessionToken).not.toBe(session);
	// One new conversation for the three items; the dead session was tried once.
	expect(sim.chatbot.requestsTo('POST', '/prod/chatbot/v1/conversation')).toHaveLength(1);
	const sent = sim.chatbot.requestsTo('POST', '/prod/chatbot/v1/conversation/message').map((request) => request.headers['x-inbenta-session']);
	expect(sent).toEqual([`Bearer ${session}`, `Bearer ${String(out[0].sessionToken)}`, `Bearer ${String(out[0].sessionToken)}`, `Bearer ${String(out[0].sessionToken)}`]);
});

it('another chatbot error is the item error, not a restart', async () => {
	sim.chatbot.inject({ kind: 'status', status: 500, json: { errors: [{ code: 'BOOM', message: 'internal failure' }] } }, { match: (request) => request.path.endsWith('/message') });
	const { items } = await run('apiSecret', { resource: 'chatbot', operation: 'sendMessage', message: 'hi' }, { continueOnFail: true });
	expect(String(items[0].json.error)).toMatch(/internal failure/);
	expect(sim.chatbot.requestsTo('POST', '/prod/chatbot/v1/conversation')).toHaveLength(1);
});
