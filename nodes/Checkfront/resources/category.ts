import { listOnlyResource } from './common';

export const category = listOnlyResource('category', '/category', 'category', 'Get many categories', 'Get the item categories');
