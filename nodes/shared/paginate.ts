import type { IDataObject } from 'n8n-workflow';

/**
 * "Return All" / "Limit" for every provider. A strategy knows how one provider numbers its pages;
 * the driver below owns the loop, the limit, and the guards that keep it finite: it stops on an
 * empty page, on a page or cursor it has already fetched, and after a hard page cap.
 */

/** Query parameters (and rarely headers) that select one page. */
export interface PageRequest {
	qs: IDataObject;
}

/** What a page fetch hands back to the strategy. */
export interface PageResponse {
	body: unknown;
	headers: Record<string, string>;
}

export interface PageResult {
	items: IDataObject[];
	/** The request for the following page, or undefined when this was the last one. */
	next?: PageRequest;
}

export interface PaginationStrategy {
	/** The first page, asking for `pageSize` records where the API lets us choose. */
	first(pageSize: number): PageRequest;
	read(response: PageResponse, request: PageRequest): PageResult;
	/** Largest page size the API accepts. */
	readonly maxPageSize: number;
}

export type ItemsOf = (body: unknown) => IDataObject[];

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `a.b.c` out of a response body. */
export function pick(body: unknown, path: string): unknown {
	let current: unknown = body;
	for (const key of path.split('.')) {
		if (!isObject(current)) return undefined;
		current = current[key];
	}
	return current;
}

/** Items at a path, whether the API returns an array or an object keyed by id (Checkfront). */
export function itemsAt(path: string): ItemsOf {
	return (body) => {
		const value = path === '' ? body : pick(body, path);
		// A record that is not an object is kept as `{ value }`: a list never loses an entry.
		const records = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
		return records.map((record) => (isObject(record) ? record : { value: record as IDataObject[string] }));
	};
}

function positiveInt(value: unknown): number | undefined {
	const number = Number(value);
	return Number.isInteger(number) && number > 0 ? number : undefined;
}

/** page/per_page with a `last_page` in the body (Fatture in Cloud). */
export function pagePerPage(options: {
	items: ItemsOf;
	pageParam?: string;
	perPageParam?: string;
	lastPagePath?: string;
	maxPageSize?: number;
}): PaginationStrategy {
	const pageParam = options.pageParam ?? 'page';
	const perPageParam = options.perPageParam ?? 'per_page';
	const lastPagePath = options.lastPagePath ?? 'last_page';
	return {
		maxPageSize: options.maxPageSize ?? 100,
		first: (pageSize) => ({ qs: { [pageParam]: 1, [perPageParam]: pageSize } }),
		read(response, request) {
			const page = Number(request.qs[pageParam]);
			const lastPage = positiveInt(pick(response.body, lastPagePath));
			const items = options.items(response.body);
			const done = lastPage === undefined ? items.length === 0 : page >= lastPage;
			return { items, next: done ? undefined : { qs: { ...request.qs, [pageParam]: page + 1 } } };
		},
	};
}

/** limit/page with the number of pages in the body (Checkfront: `request.pages`). */
export function limitPage(options: {
	items: ItemsOf;
	limitParam?: string;
	pageParam?: string;
	pagesPath?: string;
	maxPageSize?: number;
}): PaginationStrategy {
	const limitParam = options.limitParam ?? 'limit';
	const pageParam = options.pageParam ?? 'page';
	const pagesPath = options.pagesPath ?? 'request.pages';
	return {
		maxPageSize: options.maxPageSize ?? 100,
		first: (pageSize) => ({ qs: { [limitParam]: pageSize, [pageParam]: 1 } }),
		read(response, request) {
			const page = Number(request.qs[pageParam]);
			const pages = positiveInt(pick(response.body, pagesPath));
			const items = options.items(response.body);
			const done = pages === undefined ? items.length === 0 : page >= pages;
			return { items, next: done ? undefined : { qs: { ...request.qs, [pageParam]: page + 1 } } };
		},
	};
}

/** count + cursor, the next cursor in a response header (HubRise: `X-Cursor-Next`). */
export function headerCursor(options: {
	items: ItemsOf;
	header?: string;
	cursorParam?: string;
	countParam?: string;
	maxPageSize?: number;
}): PaginationStrategy {
	const header = (options.header ?? 'x-cursor-next').toLowerCase();
	const cursorParam = options.cursorParam ?? 'cursor';
	const countParam = options.countParam ?? 'count';
	return {
		maxPageSize: options.maxPageSize ?? 100,
		first: (pageSize) => ({ qs: { [countParam]: pageSize } }),
		read(response, request) {
			const cursor = response.headers[header];
			const items = options.items(response.body);
			return {
				items,
				next: cursor ? { qs: { ...request.qs, [cursorParam]: cursor } } : undefined,
			};
		},
	};
}

/** limit + next token in the body (fiskaly unified API: `pagination.token`). */
export function bodyToken(options: {
	items: ItemsOf;
	tokenPath?: string;
	tokenParam?: string;
	limitParam?: string;
	maxPageSize?: number;
}): PaginationStrategy {
	const tokenPath = options.tokenPath ?? 'pagination.token';
	const tokenParam = options.tokenParam ?? 'token';
	const limitParam = options.limitParam ?? 'limit';
	return {
		maxPageSize: options.maxPageSize ?? 100,
		first: (pageSize) => ({ qs: { [limitParam]: pageSize } }),
		read(response, request) {
			const token = pick(response.body, tokenPath);
			const items = options.items(response.body);
			return {
				items,
				next: typeof token === 'string' && token !== '' ? { qs: { ...request.qs, [tokenParam]: token } } : undefined,
			};
		},
	};
}

/** limit + offset, done when a page comes back short (fiskaly SIGN DE v2: `?limit&offset`, `{data, count}`). */
export function offsetLimit(options: {
	items: ItemsOf;
	limitParam?: string;
	offsetParam?: string;
	maxPageSize?: number;
}): PaginationStrategy {
	const limitParam = options.limitParam ?? 'limit';
	const offsetParam = options.offsetParam ?? 'offset';
	return {
		maxPageSize: options.maxPageSize ?? 100,
		first: (pageSize) => ({ qs: { [limitParam]: pageSize, [offsetParam]: 0 } }),
		read(response, request) {
			const items = options.items(response.body);
			const pageSize = Number(request.qs[limitParam]);
			const full = items.length >= pageSize;
			const offset = Number(request.qs[offsetParam]) + items.length;
			return { items, next: full ? { qs: { ...request.qs, [offsetParam]: offset } } : undefined };
		},
	};
}

export interface PaginateOptions {
	/** Stop after this many items; undefined means all ("Return All"). */
	limit?: number;
	/** Page size to ask for; capped by the strategy's maximum and, with a limit, by the limit. */
	pageSize?: number;
	/** Hard cap on pages, whatever the API says. */
	maxPages?: number;
	/** Base query parameters (filters) sent with every page. */
	qs?: IDataObject;
}

export const DEFAULT_MAX_PAGES = 100_000;

/**
 * Yields one page of items at a time, so a caller can emit output while later pages load.
 * `fetchPage` performs the request (through the shared request layer, so retry and errors apply).
 */
export async function* paginate(
	fetchPage: (request: PageRequest) => Promise<PageResponse>,
	strategy: PaginationStrategy,
	options: PaginateOptions = {},
): AsyncGenerator<IDataObject[]> {
	const limit = options.limit;
	if (limit !== undefined && limit <= 0) return;
	const wanted = options.pageSize ?? strategy.maxPageSize;
	const pageSize = Math.max(1, Math.min(wanted, strategy.maxPageSize, limit ?? Infinity));
	const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
	const fetched = new Set<string>();
	let request: PageRequest | undefined = strategy.first(pageSize);
	request = { qs: { ...options.qs, ...request.qs } };
	let emitted = 0;
	for (let pages = 0; request !== undefined && pages < maxPages; pages++) {
		// A provider that hands back a cursor or page we already fetched would loop us forever.
		const key = JSON.stringify(Object.entries(request.qs).sort(([a], [b]) => a.localeCompare(b)));
		if (fetched.has(key)) return;
		fetched.add(key);
		const response = await fetchPage(request);
		const { items, next } = strategy.read(response, request);
		if (items.length === 0) return;
		const remaining = limit === undefined ? items.length : limit - emitted;
		const page = items.length > remaining ? items.slice(0, remaining) : items;
		emitted += page.length;
		yield page;
		if (limit !== undefined && emitted >= limit) return;
		request = next;
	}
}

/** All items (or up to `limit`) as one array. */
export async function collect(
	fetchPage: (request: PageRequest) => Promise<PageResponse>,
	strategy: PaginationStrategy,
	options: PaginateOptions = {},
): Promise<IDataObject[]> {
	const all: IDataObject[] = [];
	for await (const page of paginate(fetchPage, strategy, options)) {
		for (const item of page) all.push(item);
	}
	return all;
}
