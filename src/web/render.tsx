import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { Layout } from './layout.tsx';
import { PageContext, type PageContextValue } from './page-context.ts';

/** A whole HTML document: the page's body inside the layout, with the page context provided. */
export function renderDocument(context: PageContextValue, title: string, body: VNode): string {
  return (
    '<!doctype html>' +
    renderToString(
      <PageContext.Provider value={context}>
        <Layout title={title}>{body}</Layout>
      </PageContext.Provider>,
    )
  );
}
