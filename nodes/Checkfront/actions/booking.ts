import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { LIST_PROPERTIES, NAME_VALUE_ROWS } from '../../shared/descriptions';
import { idLocator } from '../../shared/locators';
import type { Operation, Resource } from '../../shared/operations';
import { compact, idParam, nameValuePairs, requiredParam, textParam } from '../../shared/parameters';
import { checkfrontDate, checkfrontList, checkfrontRequest, unwrap } from '../transport';
import type { CheckfrontApi } from '../transport';

const BOOKING_ID = idLocator({
	displayName: 'Booking',
	name: 'bookingId',
	description: 'The booking, picked from the list or given by its booking code (e.g. CFPP-290317) or booking ID',
	searchListMethod: 'searchBookings',
	idPlaceholder: 'CFPP-290317',
});

const STATUS_DESCRIPTION = 'Status code, e.g. PEND, HOLD, PART, PAID, WAIT, STOP or VOID (see Manage > Layout > Statuses)';

const get: Operation<CheckfrontApi> = {
	value: 'get',
	name: 'Get',
	action: 'Get a booking',
	description: 'Get a booking',
	properties: [BOOKING_ID],
	async execute(call) {
		const bookingId = idParam(call.ctx, 'bookingId', call.itemIndex);
		return unwrap(await checkfrontRequest(call, 'GET', `/booking/${bookingId}`), 'booking');
	},
};

const getAll: Operation<CheckfrontApi> = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many bookings',
	description: 'Get many bookings',
	properties: [
		...LIST_PROPERTIES,
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{ displayName: 'Customer Email', name: 'customer_email', type: 'string', placeholder: 'name@email.com', default: '' },
				{ displayName: 'Customer ID', name: 'customer_id', type: 'string', default: '' },
				{ displayName: 'End Date', name: 'end_date', type: 'dateTime', default: '', description: 'Bookings starting on or before this date' },
				{ displayName: 'Start Date', name: 'start_date', type: 'dateTime', default: '', description: 'Bookings starting on or after this date' },
				{ displayName: 'Status', name: 'status_id', type: 'string', default: '', placeholder: 'PAID', description: STATUS_DESCRIPTION },
			],
		},
	],
	async execute(call) {
		const filters = compact(call.ctx.getNodeParameter('filters', call.itemIndex, {}) as IDataObject);
		for (const key of ['start_date', 'end_date']) if (filters[key]) filters[key] = checkfrontDate(filters[key]);
		return await checkfrontList(call, '/booking/index', 'booking/index', filters);
	},
};

const FORM_FIELDS: INodeProperties = {
	displayName: 'Additional Form Fields',
	name: 'formFields',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Field',
	default: {},
	description: 'Other booking form fields (see booking/form in your account), e.g. customer_phone',
	options: NAME_VALUE_ROWS,
};

/** Checkfront books through a session: the slips open it, the customer form closes it. */
const create: Operation<CheckfrontApi> = {
	value: 'create',
	name: 'Create',
	action: 'Create a booking',
	description: 'Create a booking through a booking session, from item slips and customer details',
	properties: [
		{
			displayName: 'Slips',
			name: 'slips',
			type: 'string',
			required: true,
			default: '',
			description:
				'The item slip(s) to book, as returned by Item > Get or Get Many with start and end dates (rate.slip). Separate several with commas.',
		},
		{ displayName: 'Customer Name', name: 'customerName', type: 'string', required: true, default: '' },
		{ displayName: 'Customer Email', name: 'customerEmail', type: 'string', placeholder: 'name@email.com', required: true, default: '' },
		FORM_FIELDS,
	],
	async execute(call) {
		const { ctx, itemIndex } = call;
		const slips = requiredParam(ctx, 'slips', itemIndex)
			.split(',')
			.map((slip) => slip.trim())
			.filter((slip) => slip !== '');
		const session = await checkfrontRequest(call, 'POST', '/booking/session', { body: { slip: slips } });
		const sessionId = String(((session.booking as IDataObject | undefined)?.session as IDataObject | undefined)?.id ?? '');
		if (sessionId === '') {
			throw new NodeOperationError(ctx.getNode(), 'Checkfront did not open a booking session for these slips', {
				description: 'Check that the slips come from a rated item query (Item > Get with start and end dates) and are still valid.',
				itemIndex,
			});
		}
		const form = {
			customer_name: textParam(ctx, 'customerName', itemIndex),
			customer_email: textParam(ctx, 'customerEmail', itemIndex),
			...nameValuePairs(ctx.getNodeParameter('formFields', itemIndex, {})),
		};
		const created = await checkfrontRequest(call, 'POST', '/booking/create', { body: { session_id: sessionId, form } });
		return { ...unwrap(created, 'booking'), session_id: sessionId };
	},
};

const updateStatus: Operation<CheckfrontApi> = {
	value: 'updateStatus',
	name: 'Update Status',
	action: 'Update the status of a booking',
	description: 'Update the status of a booking',
	properties: [
		BOOKING_ID,
		{ displayName: 'Status', name: 'statusId', type: 'string', required: true, default: '', placeholder: 'PAID', description: STATUS_DESCRIPTION },
		{
			displayName: 'Notify Customer',
			name: 'notify',
			type: 'boolean',
			default: true,
			description: 'Whether Checkfront sends its notifications for this change',
		},
	],
	async execute(call) {
		const { ctx, itemIndex } = call;
		const body = {
			status_id: requiredParam(ctx, 'statusId', itemIndex),
			notify: (ctx.getNodeParameter('notify', itemIndex, true) as boolean) ? 1 : 0,
		};
		return await checkfrontRequest(call, 'POST', `/booking/${idParam(ctx, 'bookingId', itemIndex)}/update`, { body });
	},
};

const addNote: Operation<CheckfrontApi> = {
	value: 'addNote',
	name: 'Add Note',
	action: 'Add a note to a booking',
	description: 'Add a note to a booking',
	properties: [
		BOOKING_ID,
		{
			displayName: 'Note',
			name: 'note',
			type: 'string',
			typeOptions: { rows: 3 },
			required: true,
			default: '',
			description: 'Text of the note, up to 3000 characters',
		},
	],
	async execute(call) {
		const { ctx, itemIndex } = call;
		const body = { body: ctx.getNodeParameter('note', itemIndex) as string };
		return await checkfrontRequest(call, 'POST', `/booking/${idParam(ctx, 'bookingId', itemIndex)}/note`, { body });
	},
};

export const booking: Resource<CheckfrontApi> = {
	value: 'booking',
	name: 'Booking',
	operations: [addNote, create, get, getAll, updateStatus],
};
