// The event log's shapes, taken from the generated OpenAPI types (never written by hand).
import type { paths } from '../../api/schema';

type EventsRoute = paths['/api/v1/events']['get'];

export type EventPage = EventsRoute['responses'][200]['content']['application/json'];
export type EventItem = EventPage['items'][number];
export type EventQuery = NonNullable<EventsRoute['parameters']['query']>;
