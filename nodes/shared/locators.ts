import type { IDataObject, INodeListSearchItems, INodeListSearchResult, INodeProperties } from 'n8n-workflow';

/**
 * Pickers instead of id boxes: a resource locator with a searchable list (filled by the node's
 * `methods.listSearch`, through the shared request layer) and a "By ID" mode for ids that come from
 * an expression. Operations read it with `idParam` (parameters.ts), which takes the plain string of
 * older workflows too.
 */

export interface IdLocatorOptions {
	displayName: string;
	name: string;
	description: string;
	/** Name of the node's `methods.listSearch` function. */
	searchListMethod: string;
	/** Placeholder of the "By ID" box. */
	idPlaceholder: string;
}

export function idLocator(options: IdLocatorOptions): INodeProperties {
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: options.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select…',
				typeOptions: { searchListMethod: options.searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: options.idPlaceholder,
			},
		],
	};
}

/**
 * The picker's entries from one page of records: `describe` names each one; `filter` (what the user
 * typed) keeps those whose name or id contains it, case-insensitively; sorted by name within the
 * page. `paginationToken` lets the editor load the next page when the user scrolls.
 */
export function listSearchResult(
	page: { items: IDataObject[]; nextToken?: string },
	describe: (record: IDataObject) => INodeListSearchItems | undefined,
	filter?: string,
): INodeListSearchResult {
	const records = page.items;
	const wanted = (filter ?? '').trim().toLowerCase();
	const results = records
		.map(describe)
		.filter((entry): entry is INodeListSearchItems => entry !== undefined && entry.value !== '')
		.filter((entry) => wanted === '' || `${entry.name} ${entry.value}`.toLowerCase().includes(wanted))
		.sort((a, b) => a.name.localeCompare(b.name));
	return page.nextToken ? { results, paginationToken: page.nextToken } : { results };
}
