import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { checkfrontList, checkfrontRequest, segment, unwrap } from '../transport';
import { checkfrontDate, compact, filtersField, idField, listFields, operationSelector, pairs, showFor } from './common';
import type { ResourceModule } from './common';

const BOOKING_ID = idField(
	'booking',
	['get', 'updateStatus', 'addNote'],
	'bookingId',
	'Booking ID',
	'The booking code (e.g. CFPP-290317) or booking ID',
);

export const booking: ResourceModule = {
	operations: operationSelector('booking', [
		{ name: 'Add Note', value: 'addNote', action: 'Add a note to a booking', description: 'Add a note to a booking' },
		{
			name: 'Create',
			value: 'create',
			action: 'Create a booking',
			description: 'Create a booking through a booking session, from item slips and customer details',
		},
		{ name: 'Get', value: 'get', action: 'Get a booking', description: 'Get a booking' },
		{ name: 'Get Many', value: 'getAll', action: 'Get many bookings', description: 'Get many bookings' },
		{
			name: 'Update Status',
			value: 'updateStatus',
			action: 'Update the status of a booking',
			description: 'Update the status of a booking',
		},
	]),
	fields: [
		BOOKING_ID,
		...listFields('booking'),
		filtersField('booking', [
			{ displayName: 'Customer Email', name: 'customer_email', type: 'string', placeholder: 'name@email.com', default: '' },
			{ displayName: 'Customer ID', name: 'customer_id', type: 'string', default: '' },
			{ displayName: 'End Date', name: 'end_date', type: 'dateTime', default: '', description: 'Bookings starting on or before this date' },
			{ displayName: 'Start Date', name: 'start_date', type: 'dateTime', default: '', description: 'Bookings starting on or after this date' },
			{
				displayName: 'Status',
				name: 'status_id',
				type: 'string',
				default: '',
				placeholder: 'PAID',
				description: 'Status code, e.g. PEND, HOLD, PART, PAID, WAIT, STOP or VOID (see Manage > Layout > Statuses)',
			},
		]),
		{
			displayName: 'Slips',
			name: 'slips',
			type: 'string',
			required: true,
			displayOptions: showFor('booking', ['create']),
			default: '',
			description:
				'The item slip(s) to book, as returned by Item > Get or Get Many with start and end dates (rate.slip). Separate several with commas.',
		},
		{
			displayName: 'Customer Name',
			name: 'customerName',
			type: 'string',
			required: true,
			displayOptions: showFor('booking', ['create']),
			default: '',
		},
		{
			displayName: 'Customer Email',
			name: 'customerEmail',
			type: 'string',
			placeholder: 'name@email.com',
			required: true,
			displayOptions: showFor('booking', ['create']),
			default: '',
		},
		{
			displayName: 'Additional Form Fields',
			name: 'formFields',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Field',
			displayOptions: showFor('booking', ['create']),
			default: {},
			description: 'Other booking form fields (see booking/form in your account), e.g. customer_phone',
			options: [
				{
					displayName: 'Field',
					name: 'values',
					values: [
						{ displayName: 'Name', name: 'name', type: 'string', default: '' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'Status',
			name: 'statusId',
			type: 'string',
			required: true,
			displayOptions: showFor('booking', ['updateStatus']),
			default: '',
			placeholder: 'PAID',
			description: 'Status code, e.g. PEND, HOLD, PART, PAID, WAIT, STOP or VOID (see Manage > Layout > Statuses)',
		},
		{
			displayName: 'Notify Customer',
			name: 'notify',
			type: 'boolean',
			displayOptions: showFor('booking', ['updateStatus']),
			default: true,
			description: 'Whether Checkfront sends its notifications for this change',
		},
		{
			displayName: 'Note',
			name: 'note',
			type: 'string',
			typeOptions: { rows: 3 },
			required: true,
			displayOptions: showFor('booking', ['addNote']),
			default: '',
			description: 'Text of the note, up to 3000 characters',
		},
	],

	async run(ctx, api, operation, itemIndex) {
		if (operation === 'getAll') {
			const filters = compact(ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject);
			for (const key of ['start_date', 'end_date']) if (filters[key]) filters[key] = checkfrontDate(filters[key]);
			return await checkfrontList(ctx, api, '/booking/index', 'booking/index', itemIndex, filters);
		}
		if (operation === 'create') {
			const slips = String(ctx.getNodeParameter('slips', itemIndex))
				.split(',')
				.map((slip) => slip.trim())
				.filter((slip) => slip !== '');
			const session = await checkfrontRequest(ctx, api, 'POST', '/booking/session', itemIndex, { body: { slip: slips } });
			const sessionId = String(((session.booking as IDataObject | undefined)?.session as IDataObject | undefined)?.id ?? '');
			if (sessionId === '') {
				throw new NodeOperationError(ctx.getNode(), 'Checkfront did not open a booking session for these slips', {
					description: 'Check that the slips come from a rated item query (Item > Get with start and end dates) and are still valid.',
					itemIndex,
				});
			}
			const form = {
				customer_name: ctx.getNodeParameter('customerName', itemIndex) as string,
				customer_email: ctx.getNodeParameter('customerEmail', itemIndex) as string,
				...pairs(ctx.getNodeParameter('formFields', itemIndex, {})),
			};
			const created = await checkfrontRequest(ctx, api, 'POST', '/booking/create', itemIndex, {
				body: { session_id: sessionId, form },
			});
			return { ...unwrap(created, 'booking'), session_id: sessionId };
		}
		const bookingId = segment(ctx.getNodeParameter('bookingId', itemIndex));
		if (operation === 'updateStatus') {
			const body = {
				status_id: ctx.getNodeParameter('statusId', itemIndex) as string,
				notify: (ctx.getNodeParameter('notify', itemIndex, true) as boolean) ? 1 : 0,
			};
			return await checkfrontRequest(ctx, api, 'POST', `/booking/${bookingId}/update`, itemIndex, { body });
		}
		if (operation === 'addNote') {
			const body = { body: ctx.getNodeParameter('note', itemIndex) as string };
			return await checkfrontRequest(ctx, api, 'POST', `/booking/${bookingId}/note`, itemIndex, { body });
		}
		return unwrap(await checkfrontRequest(ctx, api, 'GET', `/booking/${bookingId}`, itemIndex), 'booking');
	},
};
