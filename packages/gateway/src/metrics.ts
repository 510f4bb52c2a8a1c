// Prometheus metrics of one gateway process, on a registry of its own so that two gateways in one
// process (tests) never share or double-register metrics.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export interface GatewayMetrics {
  readonly registry: Registry;
  /** Client connections accepted since start. */
  readonly connectionsTotal: Counter;
  /** Client connections open now. */
  readonly connectionsOpen: Gauge;
  /** Authorization attempts by `result`: success, failure or throttled. */
  readonly authAttempts: Counter<'result'>;
  /** Error replies sent to clients, by error code (DECISIONS 6). */
  readonly protocolErrors: Counter<'code'>;
  /** Sessions counted as live by this process (pending ones excluded: DECISIONS 60). */
  readonly sessionsActive: Gauge;
}

export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  // Standard names (process_*, nodejs_*) so that stock dashboards work.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    connectionsTotal: new Counter({
      name: 'kordon_client_connections_total',
      help: 'Client WebSocket connections accepted since start.',
      registers,
    }),
    connectionsOpen: new Gauge({
      name: 'kordon_client_connections_open',
      help: 'Client WebSocket connections open now.',
      registers,
    }),
    authAttempts: new Counter({
      name: 'kordon_auth_attempts_total',
      help: 'Client authorization attempts, by result (success, failure, throttled).',
      labelNames: ['result'],
      registers,
    }),
    protocolErrors: new Counter({
      name: 'kordon_protocol_errors_total',
      help: 'Error replies sent to clients, by error code.',
      labelNames: ['code'],
      registers,
    }),
    sessionsActive: new Gauge({
      name: 'kordon_sessions_active',
      help: 'Sessions live on this gateway process (pending tunnel sessions excluded).',
      registers,
    }),
  };
}
