import type { IDataObject, INodeProperties, NodeApiError } from 'n8n-workflow';

import type { Operation, Resource } from '../../shared/operations';
import { jsonObjectParam, requiredParam, textParam } from '../../shared/parameters';
import { inbentaRequest, isSessionGone } from '../transport';
import type { InbentaCall, InbentaConnection } from '../transport';

/**
 * Chatbot API (`{apis.chatbot}/v1`): a conversation is a session token from `POST /conversation`,
 * sent as `x-inbenta-session: Bearer <token>`. Items that name no conversation share one per
 * execution; a conversation that timed out is restarted once, with a note in the output.
 */

const CONVERSATION: INodeProperties = {
	displayName: 'Conversation',
	name: 'conversation',
	type: 'string',
	typeOptions: { password: true },
	default: '',
	placeholder: '={{ $json.sessionToken }}',
	description:
		'The session token of the conversation (from Start Conversation or an earlier message). Leave empty to continue the conversation of earlier items of this execution, or start one.',
};

async function startConversation(call: InbentaCall, language = ''): Promise<IDataObject> {
	const body: IDataObject = language ? { lang: language } : {};
	return await inbentaRequest(call, 'chatbot', { method: 'POST', path: '/conversation', body });
}

function sessionHeader(token: string): IDataObject {
	return { 'x-inbenta-session': `Bearer ${token}` };
}

/** The conversation an item talks in: its own (or that one's replacement), else the execution's. */
async function conversationOf(call: InbentaCall): Promise<{ token: string; started: boolean }> {
	const api: InbentaConnection = call.api;
	const given = textParam(call.ctx, 'conversation', call.itemIndex);
	if (given) return { token: api.restarted.get(given) ?? given, started: false };
	if (api.conversation) return { token: api.conversation, started: false };
	const started = await startConversation(call);
	api.conversation = String(started.sessionToken ?? '');
	return { token: api.conversation, started: true };
}

/** A message or option in the conversation; a timed-out session is restarted once and the call repeated. */
async function converse(call: InbentaCall, body: IDataObject): Promise<IDataObject> {
	const { token, started } = await conversationOf(call);
	const send = async (session: string) =>
		await inbentaRequest(call, 'chatbot', { method: 'POST', path: '/conversation/message', body, headers: sessionHeader(session) });
	let failure: unknown;
	try {
		return { sessionToken: token, ...(started ? { conversationStarted: true } : {}), ...(await send(token)) };
	} catch (error) {
		failure = error;
	}
	// Only a session that timed out is restarted; anything else is this item's error as it came.
	if (!isSessionGone(failure)) throw failure as NodeApiError;
	const fresh = await startConversation(call);
	const replacement = String(fresh.sessionToken ?? '');
	call.api.restarted.set(token, replacement);
	const given = textParam(call.ctx, 'conversation', call.itemIndex);
	if (given) call.api.restarted.set(given, replacement);
	if (call.api.conversation === token) call.api.conversation = replacement;
	return {
		sessionToken: replacement,
		sessionRestarted: true,
		note: 'The conversation had timed out at Inbenta; a new conversation was started and the message sent in it (earlier context is lost).',
		...(await send(replacement)),
	};
}

const start: Operation<InbentaConnection> = {
	value: 'startConversation',
	name: 'Start Conversation',
	action: 'Start a chatbot conversation',
	description: 'Start a conversation; its session token carries the following messages',
	properties: [
		{
			displayName: 'Language',
			name: 'language',
			type: 'string',
			default: '',
			placeholder: 'en',
			description: 'Optional language of the conversation (lang)',
		},
	],
	async execute(call) {
		const answer = await startConversation(call, textParam(call.ctx, 'language', call.itemIndex));
		call.api.conversation = String(answer.sessionToken ?? '') || call.api.conversation;
		return answer;
	},
};

const sendMessage: Operation<InbentaConnection> = {
	value: 'sendMessage',
	name: 'Send Message',
	action: 'Send a message to the chatbot',
	description: 'Send a message in a conversation and get the chatbot answers',
	properties: [
		CONVERSATION,
		{ displayName: 'Message', name: 'message', type: 'string', required: true, default: '', description: 'What the user says' },
	],
	async execute(call) {
		return await converse(call, { message: requiredParam(call.ctx, 'message', call.itemIndex) });
	},
};

const answerOption: Operation<InbentaConnection> = {
	value: 'answerOption',
	name: 'Answer Option',
	action: 'Answer a chatbot question with an option',
	description: 'Pick one of the options of a polar or multiple-choice answer',
	properties: [
		CONVERSATION,
		{
			displayName: 'Option Value',
			name: 'option',
			type: 'string',
			required: true,
			default: '',
			description: 'The value of the chosen option (answers[].options[].value)',
		},
	],
	async execute(call) {
		const raw = requiredParam(call.ctx, 'option', call.itemIndex);
		const option = /^-?\d+$/.test(raw) ? Number(raw) : raw;
		return await converse(call, { option });
	},
};

const trackEvent: Operation<InbentaConnection> = {
	value: 'trackEvent',
	name: 'Track Event',
	action: 'Send a chatbot rating or tracking event',
	description: 'Send a rating (rateCode of an answer and a value) or another tracking event',
	properties: [
		CONVERSATION,
		{
			displayName: 'Event Type',
			name: 'eventType',
			type: 'options',
			default: 'rate',
			options: [
				{ name: 'Click', value: 'click' },
				{ name: 'Rate', value: 'rate' },
				{ name: 'Contact Ticket', value: 'contact_ticket' },
			],
		},
		{
			displayName: 'Event Data',
			name: 'eventData',
			type: 'json',
			default: '{"code": "", "value": "1"}',
			description: 'For a rating: the rateCode of the answer (parameters.contents.trackingCode.rateCode) as "code" and the value',
		},
	],
	async execute(call) {
		const { token } = await conversationOf(call);
		const body = { type: textParam(call.ctx, 'eventType', call.itemIndex, 'rate'), data: jsonObjectParam(call.ctx, 'eventData', call.itemIndex) };
		const answer = await inbentaRequest(call, 'chatbot', { method: 'POST', path: '/tracking/events', body, headers: sessionHeader(token) });
		return { sessionToken: token, ...answer };
	},
};

const history: Operation<InbentaConnection> = {
	value: 'getHistory',
	name: 'Get History',
	action: 'Get the history of a chatbot conversation',
	description: 'Get the messages of a conversation so far',
	properties: [CONVERSATION],
	async execute(call) {
		const { token } = await conversationOf(call);
		const answer = await inbentaRequest(call, 'chatbot', { method: 'GET', path: '/conversation/history', headers: sessionHeader(token) });
		return Array.isArray(answer) ? { sessionToken: token, history: answer } : { sessionToken: token, ...answer };
	},
};

export const chatbot: Resource<InbentaConnection> = {
	value: 'chatbot',
	name: 'Chatbot',
	operations: [answerOption, history, sendMessage, start, trackEvent],
	// A conversation is a sequence: items without one share the execution's, and each message follows the last.
	inOrder: true,
};
