/** /design-system: every component example on one page, for people and for the axe check. */
import type { FastifyInstance } from 'fastify';
import { componentExamples } from './components.examples.tsx';
import { sendPage } from './respond.tsx';

export function registerDesignSystemPage(app: FastifyInstance): void {
  app.get('/design-system', { schema: { hide: true } }, async (request, reply) =>
    sendPage(
      request,
      reply,
      'Компоненты',
      <>
        <h1>{request.locale === 'ru' ? 'Компоненты интерфейса' : 'Interface components'}</h1>
        {componentExamples.map((example) => (
          <section key={example.name} aria-label={example.name}>
            <h2>{example.name}</h2>
            {example.render()}
          </section>
        ))}
      </>,
    ),
  );
}
