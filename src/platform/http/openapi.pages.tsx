/** A browsable API reference rendered on the server from the OpenAPI document. */
import type { FastifyInstance } from 'fastify';
import { sendPage } from '../../web/respond.tsx';
import { translate } from '../i18n/i18n.ts';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: { type?: string } }>;
  requestBody?: unknown;
  responses?: Record<string, { description?: string }>;
}

export function registerApiDocsPage(app: FastifyInstance): void {
  app.get('/api/docs', { schema: { hide: true } }, async (request, reply) => {
    const doc = app.swagger() as { paths?: Record<string, Record<string, Operation>>; info: { description?: string } };
    const t = (m: { ru: string; en: string }) => translate(request.locale, m);
    const operations = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
    return sendPage(
      request,
      reply,
      t({ ru: 'API Простора', en: 'Prostor API' }),
      <>
        <h1>{t({ ru: 'API Простора', en: 'Prostor API' })}</h1>
        <p>{doc.info.description}</p>
        <p>
          {t({ ru: 'Машиночитаемое описание', en: 'Machine-readable description' })}: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1)
        </p>
        <h2>{t({ ru: 'Операции', en: 'Operations' })}</h2>
        {operations.map(({ path, method, op }) => (
          <section key={`${method} ${path}`} class="api-operation" aria-labelledby={`op-${method}-${path.replace(/[^a-z0-9]/gi, '-')}`}>
            <h3 id={`op-${method}-${path.replace(/[^a-z0-9]/gi, '-')}`}>
              <code>
                {method} {path}
              </code>
            </h3>
            {op.summary && <p>{op.summary}</p>}
            {op.description && <p class="muted">{op.description}</p>}
            {op.parameters && op.parameters.length > 0 && (
              <ul>
                {op.parameters.map((p) => (
                  <li key={`${p.in}-${p.name}`}>
                    <code>{p.name}</code> ({p.in}
                    {p.schema?.type ? `, ${p.schema.type}` : ''}
                    {p.required ? `, ${t({ ru: 'обязательный', en: 'required' })}` : ''}){p.description ? ` — ${p.description}` : ''}
                  </li>
                ))}
              </ul>
            )}
            {op.responses && (
              <p class="muted">
                {t({ ru: 'Ответы', en: 'Responses' })}: {Object.keys(op.responses).join(', ')}
              </p>
            )}
          </section>
        ))}
      </>,
    );
  });
}
