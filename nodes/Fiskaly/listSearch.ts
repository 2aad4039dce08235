import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listSearchResult } from '../shared/locators';
import { apiPage } from '../shared/request';
import { connect, listStrategy } from './transport';

/** The pickers of the fiskaly node (SIGN DE): TSS of the organisation, and clients of the chosen TSS. */

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

async function records(ctx: ILoadOptionsFunctions, path: string, token?: string): Promise<{ items: IDataObject[]; nextToken?: string }> {
	const api = await connect(ctx);
	if (api.settings.family !== 'signDe') {
		throw new NodeOperationError(ctx.getNode(), `The list needs a SIGN DE v2 credential; this one is set to ${api.settings.label}`);
	}
	return await apiPage(ctx, api, { path }, listStrategy(api.settings), token);
}

export async function searchTss(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const tss = await records(this, '/tss', paginationToken);
	return listSearchResult(
		tss,
		(entry) => {
			const store = (entry.metadata as IDataObject | undefined)?.store;
			return { name: [text(store) || text(entry.description) || text(entry._id), text(entry.state)].filter(Boolean).join(' · '), value: text(entry._id) };
		},
		filter,
	);
}

export async function searchClients(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const tssId = text(this.getCurrentNodeParameter('tssId', { extractValue: true })).trim();
	if (tssId === '') return { results: [] };
	const clients = await records(this, `/tss/${encodeURIComponent(tssId)}/client`, paginationToken);
	return listSearchResult(
		clients,
		(entry) => ({ name: [text(entry.serial_number), text(entry.state)].filter(Boolean).join(' · ') || text(entry._id), value: text(entry._id) }),
		filter,
	);
}
