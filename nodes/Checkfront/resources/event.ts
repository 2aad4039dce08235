import { listOnlyResource } from './common';

export const event = listOnlyResource('event', '/event', 'events', 'Get many events', 'Get the events that change price or availability by date');
