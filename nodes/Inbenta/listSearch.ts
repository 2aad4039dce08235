import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { connect, productNames } from './transport';

/** The product APIs named by the newest authorization answer of the credential. */
export async function getProducts(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const names = await productNames(this, await connect(this));
	return names.map((name) => ({ name, value: name }));
}
