import type { IDataObject } from 'n8n-workflow';

import { bodyToken, collect, headerCursor, itemsAt, limitPage, pagePerPage, paginate } from '../../nodes/shared/paginate';
import type { PageRequest, PageResponse } from '../../nodes/shared/paginate';

const records = Array.from({ length: 250 }, (_, index) => ({ id: index + 1 }));

function pagedBy(page: number, size: number) {
	return records.slice((page - 1) * size, page * size);
}

describe('strategies', () => {
	it('page/per_page stops at last_page', async () => {
		const seen: IDataObject[] = [];
		const fetchPage = async ({ qs }: PageRequest): Promise<PageResponse> => {
			seen.push(qs);
			const size = Number(qs.per_page);
			return { headers: {}, body: { data: pagedBy(Number(qs.page), size), last_page: Math.ceil(250 / size) } };
		};
		const all = await collect(fetchPage, pagePerPage({ items: itemsAt('data') }));
		expect(all).toEqual(records);
		expect(seen.map((qs) => qs.page)).toEqual([1, 2, 3]);
	});

	it('limit/page reads objects keyed by id and the pages count', async () => {
		const fetchPage = async ({ qs }: PageRequest): Promise<PageResponse> => {
			const items = pagedBy(Number(qs.page), Number(qs.limit));
			return {
				headers: {},
				body: { request: { pages: Math.ceil(250 / Number(qs.limit)) }, 'booking/index': Object.fromEntries(items.map((r) => [r.id, r])) },
			};
		};
		expect(await collect(fetchPage, limitPage({ items: itemsAt('booking/index') }), { pageSize: 40 })).toEqual(records);
	});

	it('header cursor follows X-Cursor-Next until it disappears', async () => {
		const fetchPage = async ({ qs }: PageRequest): Promise<PageResponse> => {
			const offset = Number(qs.cursor ?? 0);
			const page = records.slice(offset, offset + Number(qs.count));
			const next = offset + page.length;
			return { headers: next < 250 ? { 'x-cursor-next': String(next) } : {}, body: page };
		};
		expect(await collect(fetchPage, headerCursor({ items: itemsAt('') }))).toEqual(records);
	});

	it('body token follows pagination.token', async () => {
		const fetchPage = async ({ qs }: PageRequest): Promise<PageResponse> => {
			const offset = Number(qs.token ?? 0);
			const page = records.slice(offset, offset + Number(qs.limit));
			const next = offset + page.length;
			return { headers: {}, body: { results: page, pagination: { token: next < 250 ? String(next) : null } } };
		};
		expect(await collect(fetchPage, bodyToken({ items: itemsAt('results') }))).toEqual(records);
	});
});

describe('driver guards', () => {
	it('honours a limit and asks for no more than needed', async () => {
		const sizes: unknown[] = [];
		const fetchPage = async ({ qs }: PageRequest): Promise<PageResponse> => {
			sizes.push(qs.per_page);
			return { headers: {}, body: { data: pagedBy(Number(qs.page), Number(qs.per_page)), last_page: 99 } };
		};
		const some = await collect(fetchPage, pagePerPage({ items: itemsAt('data') }), { limit: 7 });
		expect(some).toEqual(records.slice(0, 7));
		expect(sizes).toEqual([7]);
	});

	it('stops on a repeated cursor instead of looping', async () => {
		let calls = 0;
		const fetchPage = async (): Promise<PageResponse> => {
			calls++;
			return { headers: { 'x-cursor-next': 'same' }, body: [{ id: calls }] };
		};
		const all = await collect(fetchPage, headerCursor({ items: itemsAt('') }));
		expect(calls).toBe(2);
		expect(all).toEqual([{ id: 1 }, { id: 2 }]);
	});

	it('stops on an empty page even if the API claims more', async () => {
		let calls = 0;
		const fetchPage = async (): Promise<PageResponse> => {
			calls++;
			return { headers: {}, body: { data: calls === 1 ? [{ id: 1 }] : [], last_page: 1000 } };
		};
		expect(await collect(fetchPage, pagePerPage({ items: itemsAt('data') }))).toEqual([{ id: 1 }]);
		expect(calls).toBe(2);
	});

	it('stops at the page cap whatever the API says', async () => {
		let calls = 0;
		const fetchPage = async (): Promise<PageResponse> => {
			calls++;
			return { headers: { 'x-cursor-next': `c${calls}` }, body: [{ id: calls }] };
		};
		await collect(fetchPage, headerCursor({ items: itemsAt('') }), { maxPages: 5 });
		expect(calls).toBe(5);
	});

	it('yields page by page', async () => {
		const fetchPage = async ({ qs }: PageRequest): Promise<PageResponse> => ({
			headers: {},
			body: { data: pagedBy(Number(qs.page), 100), last_page: 3 },
		});
		const sizes: number[] = [];
		for await (const page of paginate(fetchPage, pagePerPage({ items: itemsAt('data') }))) sizes.push(page.length);
		expect(sizes).toEqual([100, 100, 50]);
	});

	it('passes base filters on every page', async () => {
		const seen: IDataObject[] = [];
		const fetchPage = async ({ qs }: PageRequest): Promise<PageResponse> => {
			seen.push(qs);
			return { headers: {}, body: { data: pagedBy(Number(qs.page), 100), last_page: 3 } };
		};
		await collect(fetchPage, pagePerPage({ items: itemsAt('data') }), { qs: { status: 'PAID' } });
		expect(seen.every((qs) => qs.status === 'PAID')).toBe(true);
	});
});
