// GET /metrics, behind the Bearer auth.
import { COMMON_ERRORS, type JsonObject } from '../components.js';

export const metricsPaths: JsonObject = {
  '/metrics': {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics: HTTP requests by route and status, durations, instances by phase, gateway RPCs by outcome',
      responses: {
        '200': { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
        ...COMMON_ERRORS,
      },
    },
  },
};
