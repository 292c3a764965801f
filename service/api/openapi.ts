/** The OpenAPI document (from the route schemas) at /openapi.json and a docs page at /docs. */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'microseg policy service',
        version: '1',
        description: 'Categories, entities, hosts and security rules; realization status; reachability.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A token from MICROSEG_TOKENS or the admin token file.',
          },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { config: { access: 'open' }, schema: { hide: true } }, async () => app.swagger());
}
