import type { ComponentChildren } from 'preact';
import { hasRole, isStaff, roleNames } from '../platform/access/access.ts';
import { CsrfField } from './components.tsx';
import { usePage, useT } from './page-context.ts';

export function Layout(props: { title: string; children: ComponentChildren }) {
  const page = usePage();
  const t = useT();
  const actor = page.actor;
  const otherLocale = page.locale === 'ru' ? 'en' : 'ru';
  return (
    <html lang={page.locale} class={page.theme === 'contrast' ? 'theme-contrast' : undefined}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — ${t({ ru: 'Простор', en: 'Prostor' })}`}</title>
        <link rel="stylesheet" href="/static/styles.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t({ ru: 'Перейти к содержанию', en: 'Skip to main content' })}
        </a>
        <header class="site-header">
          <div class="container site-header__inner">
            <a class="site-header__logo" href="/">
              {t({ ru: 'Простор', en: 'Prostor' })}
              <span class="site-header__tagline">{t({ ru: 'Образование Кубани', en: 'Education in Kuban' })}</span>
            </a>
            <nav aria-label={t({ ru: 'Основное меню', en: 'Main menu' })} class="site-nav">
              <ul>
                <li>
                  <a href="/organizations" aria-current={page.path.startsWith('/organizations') ? 'page' : undefined}>
                    {t({ ru: 'Организации', en: 'Organisations' })}
                  </a>
                </li>
                <li>
                  <a href="/preschool" aria-current={page.path.startsWith('/preschool') ? 'page' : undefined}>
                    {t({ ru: 'Детский сад', en: 'Kindergarten' })}
                  </a>
                </li>
                <li>
                  <a href="/admission" aria-current={page.path.startsWith('/admission') ? 'page' : undefined}>
                    {t({ ru: 'Приём в 1 класс', en: 'First grade' })}
                  </a>
                </li>
                {hasRole(actor, 'municipalOperator', 'regionalAdmin') && (
                  <li>
                    <a href="/territories" aria-current={page.path.startsWith('/territories') ? 'page' : undefined}>
                      {t({ ru: 'Территории', en: 'Territories' })}
                    </a>
                  </li>
                )}
                {isStaff(actor) && (
                  <li>
                    <a href="/people" aria-current={page.path.startsWith('/people') && page.path !== '/people/mine' ? 'page' : undefined}>
                      {t({ ru: 'Люди', en: 'People' })}
                    </a>
                  </li>
                )}
                {hasRole(actor, 'guardian', 'pupil') && (
                  <li>
                    <a href="/people/mine" aria-current={page.path === '/people/mine' ? 'page' : undefined}>
                      {hasRole(actor, 'guardian') ? t({ ru: 'Мои дети', en: 'My children' }) : t({ ru: 'Мои данные', en: 'My record' })}
                    </a>
                  </li>
                )}
                {hasRole(actor, 'guardian', 'pupil') && (
                  <li>
                    <a href="/diary" aria-current={page.path.startsWith('/diary') ? 'page' : undefined}>
                      {t({ ru: 'Дневник', en: 'Diary' })}
                    </a>
                  </li>
                )}
                {hasRole(actor, 'organizationHead', 'municipalOperator', 'regionalAdmin') && (
                  <li>
                    <a href="/journal/school" aria-current={page.path.startsWith('/journal/school') || page.path.startsWith('/journal/years') || page.path.startsWith('/journal/classes') ? 'page' : undefined}>
                      {t({ ru: 'Школа', en: 'School' })}
                    </a>
                  </li>
                )}
                {hasRole(actor, 'teacher') && (
                  <li>
                    <a href="/journal/teaching" aria-current={['/journal/teaching', '/journal/assignments', '/journal/lessons', '/journal/timetable'].some((p) => page.path.startsWith(p)) ? 'page' : undefined}>
                      {t({ ru: 'Журнал', en: 'Journal' })}
                    </a>
                  </li>
                )}
                {actor.kind === 'account' && (
                  <li>
                    <a href="/notifications" aria-current={page.path.startsWith('/notifications') ? 'page' : undefined}>
                      {t({ ru: 'Уведомления', en: 'Notifications' })}
                    </a>
                  </li>
                )}
                {actor.kind === 'account' && (
                  <li>
                    <a href="/account" aria-current={page.path.startsWith('/account') ? 'page' : undefined}>
                      {t({ ru: 'Личный кабинет', en: 'My account' })}
                    </a>
                  </li>
                )}
                {page.canReadAudit && (
                  <li>
                    <a href="/audit" aria-current={page.path.startsWith('/audit') ? 'page' : undefined}>
                      {t({ ru: 'Журнал аудита', en: 'Audit log' })}
                    </a>
                  </li>
                )}
              </ul>
            </nav>
            <div class="site-header__tools">
              <form method="post" action="/settings/display" class="inline-form">
                <input type="hidden" name="return" value={page.path} />
                <button type="submit" name="lang" value={otherLocale} class="link-button" lang={otherLocale}>
                  {otherLocale === 'en' ? 'English' : 'Русский'}
                </button>
                <button type="submit" name="theme" value={page.theme === 'contrast' ? 'standard' : 'contrast'} class="link-button">
                  {page.theme === 'contrast'
                    ? t({ ru: 'Обычная версия', en: 'Standard view' })
                    : t({ ru: 'Версия для слабовидящих', en: 'High contrast, large text' })}
                </button>
              </form>
              {actor.kind === 'account' ? (
                <form method="post" action="/logout" class="inline-form">
                  <CsrfField />
                  <span class="site-header__user">
                    {actor.displayName}
                    {actor.grants[0] && <span class="visually-hidden">, {t(roleNames[actor.grants[0].role])}</span>}
                  </span>{' '}
                  <button type="submit" class="link-button">
                    {t({ ru: 'Выйти', en: 'Log out' })}
                  </button>
                </form>
              ) : (
                <a href="/login">{t({ ru: 'Войти', en: 'Log in' })}</a>
              )}
            </div>
          </div>
        </header>
        <main id="main" class="container" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="container">
            <p>
              {t({
                ru: 'Простор — открытая платформа образования региона.',
                en: 'Prostor is an open platform for a region’s education.',
              })}{' '}
              <a href="/api/docs">{t({ ru: 'API для разработчиков', en: 'API for developers' })}</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
