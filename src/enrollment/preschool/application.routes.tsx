/**
 * Kindergarten applications: the guardian's pages (/preschool, /preschool/apply,
 * /preschool/applications/:id…), the desk's (/preschool/desk…) and the JSON API
 * (/api/v1/preschool/applications…). Each handler: validate → authenticate → load → authorize
 * (application.policy.ts) → service (application.service.ts) → render or serialise.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { can, hasRole, isStaff, type Actor } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, errors as appErrors, type FieldErrors } from '../../platform/errors.ts';
import { noStore } from '../../platform/http/request-context.ts';
import { translate, type Message } from '../../platform/i18n/i18n.ts';
import type { SelectOption } from '../../web/components.tsx';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { DuplicatePersonError, isUuid, listOwnPeople, relationNames } from '../../registry/person.service.ts';
import { guardianRelations } from '../../registry/person.schema.ts';
import { listMunicipalities } from '../../registry/region.service.ts';
import {
  applicationCreatePolicy,
  applicationListScope,
  authorizeApplication,
  canApplication,
  deskMunicipalities,
  mayUseDesk,
} from './application.policy.ts';
import {
  applicationFieldLabels,
  decideBenefit,
  deskTargets,
  deskTransition,
  emptyPersonFields,
  findApplicationDetail,
  findProbableDuplicates,
  findQueuePosition,
  kindergartensByIds,
  listApplications,
  loadReference,
  mayEditPreferences,
  mayWithdraw,
  recordApplicationListRead,
  recordApplicationRead,
  searchKindergartens,
  statusBeforeSuspension,
  submitApplication,
  updatePreferences,
  withdrawApplication,
  type ApplicationDetail,
  type ApplicationSubmission,
  type PersonFields,
  type PreschoolReference,
  type QueuePositionResult,
} from './application.service.ts';
import { applicationStatuses, type ApplicationStatus } from './preschool.schema.ts';
import { ApplicationDetailView, ApplicationReceiptView, GuardianHomeView, type ApplicationNames } from './views/application-detail.tsx';
import { ApplicationFormView, PreferencesEditView, type ApplicationDraft, type KindergartenChoice } from './views/application-form.tsx';
import { DeskPanel } from './views/desk-application.tsx';
import { DeskListView } from './views/desk-list.tsx';

// Panels other parts add to an application's page (the offer with accept/decline, …) ----------

/** A panel on the application page; return null to show nothing. */
export type ApplicationPanel = (input: { request: FastifyRequest; detail: ApplicationDetail; audience: 'guardian' | 'desk' }) => Promise<VNode | null>;
const applicationPanels = new Set<ApplicationPanel>();
/**
 * Adds a panel to /preschool/applications/:id and /preschool/desk/applications/:id, shown under
 * the summary. Call it once at registration time (a Set: adding the same function twice is harmless).
 */
export function addApplicationPanel(panel: ApplicationPanel): void {
  applicationPanels.add(panel);
}

// Helpers -------------------------------------------------------------------------------------

const DESK_PAGE_SIZE = 50;

type AccountActor = Extract<Actor, { kind: 'account' }>;
function requireAccount(actor: Actor): asserts actor is AccountActor {
  if (actor.kind !== 'account') throw appErrors.unauthenticated();
}

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  return (request.body ?? {}) as Record<string, unknown>;
}
function str(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
}
function strings(body: Record<string, unknown>, name: string): string[] {
  const v = body[name];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

const personFieldKeys = Object.keys(emptyPersonFields) as Array<keyof PersonFields>;
function personFieldsOf(body: Record<string, unknown>, prefix: 'child' | 'guardian'): PersonFields {
  return Object.fromEntries(personFieldKeys.map((k) => [k, str(body, `${prefix}${k[0]!.toUpperCase()}${k.slice(1)}`)])) as unknown as PersonFields;
}

function draftOf(body: Record<string, unknown>): ApplicationDraft {
  return {
    childId: str(body, 'childId'),
    child: personFieldsOf(body, 'child'),
    guardian: personFieldsOf(body, 'guardian'),
    search: str(body, 'kgSearch').slice(0, 200),
    application: {
      municipalityId: str(body, 'municipalityId'),
      preferences: strings(body, 'preferences').filter(isUuid).map((s) => s.toLowerCase()),
      desiredStartDate: str(body, 'desiredStartDate'),
      orientationCode: str(body, 'orientationCode'),
      stayModeCode: str(body, 'stayModeCode'),
      benefitCode: str(body, 'benefitCode'),
      benefitDocument: str(body, 'benefitDocument'),
      consentAlternative: str(body, 'consentAlternative') === 'yes',
    },
  };
}

/** Applies a picker button (add:id, up:id, down:id, remove:id) to the ordered list. */
export function applyPickerOp(preferences: string[], op: string, max: number): string[] {
  const [verb, id] = op.split(':') as [string, string | undefined];
  if (!id || !isUuid(id)) return preferences;
  const list = [...preferences];
  const i = list.indexOf(id.toLowerCase());
  if (verb === 'add' && i < 0 && list.length < max) list.push(id.toLowerCase());
  if (verb === 'remove' && i >= 0) list.splice(i, 1);
  if (verb === 'up' && i > 0) [list[i - 1], list[i]] = [list[i]!, list[i - 1]!];
  if (verb === 'down' && i >= 0 && i < list.length - 1) [list[i + 1], list[i]] = [list[i]!, list[i + 1]!];
  return list;
}

function choice(o: { id: string; shortName: string; address: string }): KindergartenChoice {
  return { id: o.id, name: o.shortName, address: o.address };
}

function namesOf(detail: ApplicationDetail, reference: PreschoolReference): ApplicationNames {
  const a = detail.application;
  const pick = <T extends { nameRu: string; nameEn: string }>(item: T | undefined): Message | null => (item ? { ru: item.nameRu, en: item.nameEn } : null);
  const benefit = reference.benefits.find((b) => b.code === a.benefitCode);
  return {
    orientation: pick(reference.orientations.find((o) => o.code === a.orientationCode)) ?? { ru: a.orientationCode, en: a.orientationCode },
    stayMode: pick(reference.stayModes.find((o) => o.code === a.stayModeCode)) ?? { ru: a.stayModeCode, en: a.stayModeCode },
    ageGroup: pick(reference.ageGroups.find((g) => g.code === detail.ageGroupCode)),
    benefit: a.benefitCode ? (pick(benefit) ?? { ru: a.benefitCode, en: a.benefitCode }) : null,
    benefitProvingDocument: benefit?.provingDocument ?? null,
  };
}

const notices: Record<string, Message> = {
  created: { ru: 'Заявление зарегистрировано. Сохраните его номер.', en: 'The application is registered. Keep its number.' },
  preferences: { ru: 'Список детских садов сохранён. Дата регистрации не изменилась.', en: 'The kindergartens are saved. The registration date is unchanged.' },
  withdrawn: { ru: 'Заявление отозвано.', en: 'The application is withdrawn.' },
  status: { ru: 'Статус изменён.', en: 'The status is changed.' },
  benefit: { ru: 'Решение по льготе сохранено, заявитель уведомлён.', en: 'The benefit decision is saved and the applicant notified.' },
};

/** Errors of the registry (a duplicate document) as fields of the combined form. */
function formErrorsOf(error: AppError): FieldErrors {
  if (error instanceof DuplicatePersonError) {
    return { [error.document === 'birthCertificate' ? 'childBirthCertificateNumber' : 'guardianSnils']: error.userMessage };
  }
  return Object.keys(error.fields).length ? error.fields : { childId: error.userMessage };
}

// Routes ---------------------------------------------------------------------------------------

export function registerApplicationRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const hidden = { schema: { hide: true } };

  async function municipalityOptions(request: FastifyRequest, only: number[] | null): Promise<SelectOption[]> {
    const all = await listMunicipalities(db);
    return all.filter((m) => only === null || only.includes(m.id)).map((m) => ({ value: String(m.id), label: translate(request.locale, { ru: m.nameRu, en: m.nameEn }) }));
  }
  async function municipalityNames(request: FastifyRequest): Promise<Map<number, string>> {
    return new Map((await listMunicipalities(db)).map((m) => [m.id, translate(request.locale, { ru: m.nameRu, en: m.nameEn })]));
  }

  async function loadDetail(request: FastifyRequest, action: 'read' | 'editPreferences' | 'withdraw' | 'manage'): Promise<ApplicationDetail> {
    requireAccount(request.actor);
    const id = (request.params as { id: string }).id;
    const detail = isUuid(id) ? await findApplicationDetail(db, id) : null;
    if (!detail) throw appErrors.notFound();
    authorizeApplication(request.actor, action, detail.access);
    return detail;
  }

  /** A staff read of a child's application is audited (a guardian's own read is not). */
  async function auditRead(request: FastifyRequest, detail: ApplicationDetail, channel: 'page' | 'api'): Promise<void> {
    if (isStaff(request.actor) && canApplication(request.actor, 'manage', detail.access)) await recordApplicationRead(db, request.auditOrigin, detail, channel);
  }

  // The form, online or at the desk ------------------------------------------------------------

  async function showForm(request: FastifyRequest, reply: FastifyReply, mode: 'online' | 'desk', draft: ApplicationDraft, fieldErrors: FieldErrors, showResults: boolean, status = 200) {
    requireAccount(request.actor);
    const reference = await loadReference(db);
    const t = (m: Message) => translate(request.locale, m);
    const children = mode === 'online' && request.actor.personId ? (await listOwnPeople(db, request.actor.personId)).children : [];
    const municipalities = await municipalityOptions(request, mode === 'desk' ? deskMunicipalities(request.actor) : null);
    const municipalityId = Number(draft.application.municipalityId) || null;
    // kindergartens from another municipality drop out of the draft when the municipality changes
    const chosen = (await kindergartensByIds(db, draft.application.preferences)).filter((o) => o.municipalityId === municipalityId).map(choice);
    draft.application.preferences = chosen.map((c) => c.id);
    const results = showResults && municipalityId ? (await searchKindergartens(db, municipalityId, draft.search)).map(choice) : null;
    const heading = mode === 'online' ? { ru: 'Заявление в детский сад', en: 'Kindergarten application' } : { ru: 'Регистрация заявления', en: 'Register an application' };
    return sendPage(
      request,
      reply,
      t(heading),
      <ApplicationFormView
        mode={mode}
        action={mode === 'online' ? '/preschool/apply' : '/preschool/desk/new'}
        draft={draft}
        errors={fieldErrors}
        labels={formLabels}
        children={children.map((c) => ({ id: c.id, name: [c.lastName, c.firstName, c.middleName].filter(Boolean).join(' '), birthDate: c.birthDate }))}
        municipalities={municipalities}
        orientations={reference.orientations.filter((o) => o.active).map((o) => ({ value: o.code, label: t({ ru: o.nameRu, en: o.nameEn }) }))}
        stayModes={reference.stayModes.filter((o) => o.active).map((o) => ({ value: o.code, label: t({ ru: o.nameRu, en: o.nameEn }) }))}
        benefits={reference.benefits.filter((b) => b.active).map((b) => ({ value: b.code, label: `${t({ ru: b.nameRu, en: b.nameEn })} (${b.provingDocument})` }))}
        relations={guardianRelations.map((r) => ({ value: r, label: t(relationNames[r]) }))}
        chosen={chosen}
        results={results}
        maxPreferences={reference.settings.maxPreferences}
      />,
      status,
    );
  }

  async function initialDraft(request: FastifyRequest, mode: 'online' | 'desk'): Promise<ApplicationDraft> {
    requireAccount(request.actor);
    let municipalityId = '';
    if (mode === 'online' && request.actor.personId) {
      const own = await listOwnPeople(db, request.actor.personId);
      if (own.self) municipalityId = String(own.self.municipalityId);
    } else {
      const mine = deskMunicipalities(request.actor);
      if (mine && mine.length > 0) municipalityId = String(mine[0]);
    }
    return {
      childId: '',
      child: { ...emptyPersonFields },
      guardian: { ...emptyPersonFields },
      search: '',
      application: { municipalityId, preferences: [], desiredStartDate: '', orientationCode: 'general', stayModeCode: 'fullDay', benefitCode: '', benefitDocument: '', consentAlternative: false },
    };
  }

  /** One POST of the form: a picker step re-renders the draft; 'submit' registers. */
  async function handleFormPost(request: FastifyRequest, reply: FastifyReply, mode: 'online' | 'desk') {
    requireAccount(request.actor);
    const body = bodyOf(request);
    const draft = draftOf(body);
    const op = str(body, 'op');
    if (op !== 'submit') {
      const reference = await loadReference(db);
      draft.application.preferences = applyPickerOp(draft.application.preferences, op, reference.settings.maxPreferences);
      return showForm(request, reply, mode, draft, {}, op === 'search' || op.startsWith('add:'));
    }
    const municipalityId = Number(draft.application.municipalityId);
    if (mode === 'desk' && !can(request.actor, applicationCreatePolicy, 'registerAtDesk', { municipalityId })) {
      return showForm(request, reply, mode, draft, { municipalityId: { ru: 'Вы принимаете заявления только своего муниципального образования', en: 'You register applications of your own municipality only' } }, false, 422);
    }
    const submission: ApplicationSubmission = { childId: mode === 'desk' ? 'new' : draft.childId, child: draft.child, guardian: mode === 'desk' ? draft.guardian : null, application: draft.application };
    try {
      const created = await submitApplication(context, request.auditOrigin, mode === 'online' ? { kind: 'online', guardianId: request.actor.personId! } : { kind: 'desk', accountId: request.actor.accountId }, submission);
      return redirectAfterPost(reply, mode === 'online' ? `/preschool/applications/${created.id}?saved=created` : `/preschool/desk/applications/${created.id}?saved=created`);
    } catch (error) {
      if (error instanceof AppError && (error.status === 422 || error.status === 409)) return showForm(request, reply, mode, draft, formErrorsOf(error), false, error.status);
      throw error;
    }
  }

  function requireOnline(actor: Actor): void {
    requireAccount(actor);
    if (!can(actor, applicationCreatePolicy, 'applyOnline', { municipalityId: 0 })) throw appErrors.forbidden();
  }
  function requireDesk(actor: Actor): void {
    requireAccount(actor);
    if (!mayUseDesk(actor)) throw appErrors.forbidden();
  }

  // Guardian pages ---------------------------------------------------------------------------

  app.get('/preschool', hidden, async (request, reply) => {
    const actor = request.actor;
    // Open to everyone: visitors learn how the service works and find the public queue.
    const canApply = actor.kind === 'account' && can(actor, applicationCreatePolicy, 'applyOnline', { municipalityId: 0 });
    const { items } = canApply ? await listApplications(db, applicationListScope(actor, 'own'), { limit: 100 }) : { items: [] };
    const notice = notices[str(request.query as Record<string, unknown>, 'saved')] ?? null;
    // Links to the staff tools each role has; every tool checks its own policy again.
    const tools: Array<{ href: string; label: Message }> = [];
    if (hasRole(actor, 'organizationHead', 'municipalOperator', 'regionalAdmin')) tools.push({ href: '/preschool/groups', label: { ru: 'Группы и план мест', en: 'Groups and the plan of places' } });
    if (hasRole(actor, 'organizationHead')) tools.push({ href: '/preschool/offers', label: { ru: 'Направления в мой детский сад', en: 'Offers to my kindergarten' } });
    if (hasRole(actor, 'municipalOperator', 'regionalAdmin')) {
      tools.push({ href: '/preschool/allocation', label: { ru: 'Комплектование', en: 'Allocation runs' } });
      tools.push({ href: '/preschool/overdue', label: { ru: 'Просроченные сроки', en: 'Overdue deadlines' } });
    }
    if (hasRole(actor, 'regionalAdmin')) tools.push({ href: '/preschool/settings', label: { ru: 'Справочники и настройки', en: 'Reference data and settings' } });
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Детский сад', en: 'Kindergarten' }),
      <GuardianHomeView items={items} canApply={canApply} deskLink={mayUseDesk(actor)} notice={notice} anonymous={actor.kind === 'anonymous'} tools={tools} />,
    );
  });

  app.get('/preschool/apply', hidden, async (request, reply) => {
    requireOnline(request.actor);
    return showForm(request, reply, 'online', await initialDraft(request, 'online'), {}, false);
  });
  app.post('/preschool/apply', hidden, async (request, reply) => {
    requireOnline(request.actor);
    return handleFormPost(request, reply, 'online');
  });

  async function showDetail(request: FastifyRequest, reply: FastifyReply, detail: ApplicationDetail, audience: 'guardian' | 'desk', deskState: { errors: FieldErrors; reason: string; benefitReason: string } | null, status = 200) {
    const actor = request.actor;
    await auditRead(request, detail, 'page');
    const reference = await loadReference(db);
    const [queue, extras] = await Promise.all([
      findQueuePosition(db, detail.application.id),
      Promise.all([...applicationPanels].map((panel) => panel({ request, detail, audience }))),
    ]);
    const a = detail.application;
    let deskPanel = undefined;
    if (audience === 'desk') {
      deskPanel = (
        <DeskPanel
          applicationId={a.id}
          status={a.status}
          version={a.version}
          benefitStatus={a.benefitStatus}
          resumeTo={a.status === 'suspended' ? await statusBeforeSuspension(db, a.id) : null}
          duplicates={await findProbableDuplicates(db, a.id)}
          municipalityNames={await municipalityNames(request)}
          errors={deskState?.errors ?? {}}
          reason={deskState?.reason ?? ''}
          benefitReason={deskState?.benefitReason ?? ''}
        />
      );
    }
    const notice = status === 200 ? (notices[str(request.query as Record<string, unknown>, 'saved')] ?? null) : null;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: `Заявление № ${a.number}`, en: `Application No. ${a.number}` }),
      <ApplicationDetailView
        detail={detail}
        names={namesOf(detail, reference)}
        queue={queue}
        notice={notice}
        canEditPreferences={mayEditPreferences(a.status) && canApplication(actor, 'editPreferences', detail.access)}
        canWithdraw={audience === 'guardian' && mayWithdraw(a.status) && canApplication(actor, 'withdraw', detail.access)}
        extras={extras.filter((x): x is VNode => x !== null)}
        deskPanel={deskPanel}
        basePath={`/preschool/applications/${a.id}`}
      />,
      status,
    );
  }

  app.get('/preschool/applications/:id', hidden, async (request, reply) => {
    const detail = await loadDetail(request, 'read');
    return showDetail(request, reply, detail, 'guardian', null);
  });

  app.get('/preschool/applications/:id/receipt', hidden, async (request, reply) => {
    const detail = await loadDetail(request, 'read');
    await auditRead(request, detail, 'page');
    const reference = await loadReference(db);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: `Расписка — заявление № ${detail.application.number}`, en: `Receipt — application No. ${detail.application.number}` }),
      <ApplicationReceiptView detail={detail} names={namesOf(detail, reference)} />,
    );
  });

  async function showPreferences(request: FastifyRequest, reply: FastifyReply, detail: ApplicationDetail, preferences: string[], search: string, showResults: boolean, fieldErrors: FieldErrors, status = 200) {
    const reference = await loadReference(db);
    const chosen = (await kindergartensByIds(db, preferences)).filter((o) => o.municipalityId === detail.application.municipalityId).map(choice);
    const results = showResults ? (await searchKindergartens(db, detail.application.municipalityId, search)).map(choice) : null;
    const back = canApplication(request.actor, 'manage', detail.access) ? `/preschool/desk/applications/${detail.application.id}` : `/preschool/applications/${detail.application.id}`;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Изменение списка детских садов', en: 'Change the kindergartens' }),
      <PreferencesEditView
        action={`/preschool/applications/${detail.application.id}/preferences`}
        number={detail.application.number}
        chosen={chosen}
        results={results}
        search={search}
        max={reference.settings.maxPreferences}
        errors={fieldErrors}
        cancelHref={back}
      />,
      status,
    );
  }

  app.get('/preschool/applications/:id/preferences', hidden, async (request, reply) => {
    const detail = await loadDetail(request, 'editPreferences');
    if (!mayEditPreferences(detail.application.status)) throw appErrors.conflict('preschool-preferences-locked', { ru: 'Список детских садов сейчас менять нельзя', en: 'The kindergartens cannot be changed now' });
    return showPreferences(request, reply, detail, detail.preferences.map((p) => p.organizationId), '', false, {});
  });

  app.post('/preschool/applications/:id/preferences', hidden, async (request, reply) => {
    const body = bodyOf(request);
    const detail = await loadDetail(request, 'editPreferences');
    const op = str(body, 'op');
    const search = str(body, 'kgSearch').slice(0, 200);
    const reference = await loadReference(db);
    const preferences = applyPickerOp(strings(body, 'preferences').filter(isUuid).map((s) => s.toLowerCase()), op, reference.settings.maxPreferences);
    if (op !== 'save') return showPreferences(request, reply, detail, preferences, search, op === 'search' || op.startsWith('add:'), {});
    try {
      await updatePreferences(context, request.auditOrigin, detail.application.id, preferences);
    } catch (error) {
      if (error instanceof AppError && (error.status === 422 || error.status === 409)) {
        return showPreferences(request, reply, detail, preferences, search, false, Object.keys(error.fields).length ? error.fields : { preferences: error.userMessage }, error.status);
      }
      throw error;
    }
    const desk = canApplication(request.actor, 'manage', detail.access);
    return redirectAfterPost(reply, `${desk ? '/preschool/desk' : '/preschool'}/applications/${detail.application.id}?saved=preferences`);
  });

  app.post('/preschool/applications/:id/withdraw', hidden, async (request, reply) => {
    const body = bodyOf(request);
    const detail = await loadDetail(request, 'withdraw');
    if (str(body, 'confirm') !== 'yes') {
      return showDetail(request, reply, detail, 'guardian', null, 422);
    }
    await withdrawApplication(context, request.auditOrigin, detail.application.id);
    return redirectAfterPost(reply, `/preschool/applications/${detail.application.id}?saved=withdrawn`);
  });

  // Desk pages -------------------------------------------------------------------------------

  const deskHref = (status: string, after?: string) => {
    const search = new URLSearchParams();
    if (status) search.set('status', status);
    if (after) search.set('after', after);
    const text = search.toString();
    return text ? `/preschool/desk?${text}` : '/preschool/desk';
  };

  async function showDeskList(request: FastifyRequest, reply: FastifyReply, filter: { status: string; number: string; after?: string }) {
    requireDesk(request.actor);
    const status = (applicationStatuses as readonly string[]).includes(filter.status) ? (filter.status as ApplicationStatus) : undefined;
    const { items, nextAfter } = await listApplications(db, applicationListScope(request.actor, 'desk'), {
      status,
      number: filter.number || undefined,
      after: filter.after,
      limit: DESK_PAGE_SIZE,
    });
    await recordApplicationListRead(db, request.auditOrigin, items, 'page');
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Заявления в детские сады', en: 'Kindergarten applications' }),
      <DeskListView
        items={items}
        status={status ?? ''}
        number={filter.number}
        nextHref={nextAfter && !filter.number ? deskHref(status ?? '', nextAfter) : null}
        firstHref={filter.after ? deskHref(status ?? '') : null}
        municipalityNames={await municipalityNames(request)}
        searched={Boolean(filter.number)}
      />,
    );
  }

  app.get('/preschool/desk', hidden, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const after = str(query, 'after');
    return showDeskList(request, reply, { status: str(query, 'status'), number: '', after: isUuid(after) ? after.toLowerCase() : undefined });
  });

  // The number travels in a POST body, out of URLs and logs.
  app.post('/preschool/desk/search', hidden, async (request, reply) => {
    const number = str(bodyOf(request), 'number').trim().slice(0, 40);
    requireDesk(request.actor);
    if (!number) return redirectAfterPost(reply, '/preschool/desk');
    return showDeskList(request, reply, { status: '', number });
  });
  app.get('/preschool/desk/search', hidden, async (_request, reply) => reply.redirect('/preschool/desk', 303));

  app.get('/preschool/desk/new', hidden, async (request, reply) => {
    requireDesk(request.actor);
    return showForm(request, reply, 'desk', await initialDraft(request, 'desk'), {}, false);
  });
  app.post('/preschool/desk/new', hidden, async (request, reply) => {
    requireDesk(request.actor);
    return handleFormPost(request, reply, 'desk');
  });

  app.get('/preschool/desk/applications/:id', hidden, async (request, reply) => {
    const detail = await loadDetail(request, 'manage');
    return showDetail(request, reply, detail, 'desk', null);
  });

  app.post('/preschool/desk/applications/:id/transitions', hidden, async (request, reply) => {
    const body = bodyOf(request);
    const to = str(body, 'to');
    const expectedFrom = str(body, 'expectedFrom');
    const reason = str(body, 'reason').slice(0, 600);
    const detail = await loadDetail(request, 'manage');
    if (!(deskTargets as readonly string[]).includes(to)) throw appErrors.badRequest();
    try {
      await deskTransition(context, request.auditOrigin, detail.application.id, {
        to: to as ApplicationStatus,
        reason,
        expectedFrom: (applicationStatuses as readonly string[]).includes(expectedFrom) ? (expectedFrom as ApplicationStatus) : undefined,
      });
    } catch (error) {
      if (error instanceof AppError && error.status === 422) return showDetail(request, reply, detail, 'desk', { errors: error.fields, reason, benefitReason: '' }, 422);
      throw error;
    }
    return redirectAfterPost(reply, `/preschool/desk/applications/${detail.application.id}?saved=status`);
  });

  app.post('/preschool/desk/applications/:id/benefit', hidden, async (request, reply) => {
    const body = bodyOf(request);
    const verdict = str(body, 'verdict');
    const reason = str(body, 'benefitReason').slice(0, 600);
    const detail = await loadDetail(request, 'manage');
    if (verdict !== 'verified' && verdict !== 'rejected') throw appErrors.badRequest();
    try {
      await decideBenefit(context, request.auditOrigin, detail.application.id, { verdict, reason });
    } catch (error) {
      if (error instanceof AppError && error.status === 422) {
        return showDetail(request, reply, detail, 'desk', { errors: { benefitReason: error.fields.reason ?? error.userMessage }, reason: '', benefitReason: reason }, 422);
      }
      throw error;
    }
    return redirectAfterPost(reply, `/preschool/desk/applications/${detail.application.id}?saved=benefit`);
  });

  registerApplicationApi(app, context);
}

const formLabels: Record<string, Message> = {
  ...applicationFieldLabels,
  childLastName: { ru: 'Фамилия ребёнка', en: 'Child’s last name' },
  childFirstName: { ru: 'Имя ребёнка', en: 'Child’s first name' },
  childMiddleName: { ru: 'Отчество ребёнка', en: 'Child’s middle name' },
  childBirthDate: { ru: 'Дата рождения ребёнка', en: 'Child’s date of birth' },
  childSex: { ru: 'Пол ребёнка', en: 'Child’s sex' },
  childSnils: { ru: 'СНИЛС ребёнка', en: 'Child’s SNILS' },
  childBirthCertificateSeries: { ru: 'Серия свидетельства о рождении', en: 'Certificate series' },
  childBirthCertificateNumber: { ru: 'Номер свидетельства о рождении', en: 'Certificate number' },
  childRelation: { ru: 'Кем вы приходитесь ребёнку', en: 'Your relation to the child' },
  guardianLastName: { ru: 'Фамилия заявителя', en: 'Applicant’s last name' },
  guardianFirstName: { ru: 'Имя заявителя', en: 'Applicant’s first name' },
  guardianMiddleName: { ru: 'Отчество заявителя', en: 'Applicant’s middle name' },
  guardianBirthDate: { ru: 'Дата рождения заявителя', en: 'Applicant’s date of birth' },
  guardianSex: { ru: 'Пол заявителя', en: 'Applicant’s sex' },
  guardianSnils: { ru: 'СНИЛС заявителя', en: 'Applicant’s SNILS' },
  guardianPassportSeries: { ru: 'Серия паспорта', en: 'Passport series' },
  guardianPassportNumber: { ru: 'Номер паспорта', en: 'Passport number' },
  guardianPhone: { ru: 'Телефон', en: 'Phone' },
  guardianEmail: { ru: 'Электронная почта', en: 'Email' },
  guardianRelation: { ru: 'Кем заявитель приходится ребёнку', en: 'Applicant’s relation' },
};

// JSON API -------------------------------------------------------------------------------------

const tags = ['preschool'];
const Id = Type.String({ format: 'uuid' });
const IdParams = Type.Object({ id: Id });
function nullableString(options: { maxLength?: number; format?: string; description?: string } = {}) {
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
}
const Status = Type.Union(applicationStatuses.map((s) => Type.Literal(s)));
const Problem = Type.Object({ type: Type.String(), title: Type.String(), status: Type.Integer(), code: Type.String() }, { additionalProperties: true, description: 'RFC 9457 problem details' });
const problems = (...statuses: number[]): Record<number, TSchema> => Object.fromEntries(statuses.map((s) => [s, Problem]));

const PersonBody = (kind: 'child' | 'guardian') =>
  Type.Object(
    {
      lastName: Type.String({ minLength: 1, maxLength: 100 }),
      firstName: Type.String({ minLength: 1, maxLength: 100 }),
      middleName: Type.Optional(nullableString({ maxLength: 100 })),
      birthDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
      sex: Type.Union([Type.Literal('male'), Type.Literal('female')]),
      snils: Type.Optional(nullableString({ maxLength: 20 })),
      ...(kind === 'child'
        ? { birthCertificateSeries: Type.String({ maxLength: 20 }), birthCertificateNumber: Type.String({ maxLength: 10 }) }
        : { passportSeries: Type.Optional(nullableString({ maxLength: 10 })), passportNumber: Type.Optional(nullableString({ maxLength: 10 })), phone: Type.Optional(nullableString({ maxLength: 30 })), email: Type.Optional(nullableString({ maxLength: 200 })) }),
      relation: Type.Optional(Type.Union(guardianRelations.map((r) => Type.Literal(r)), { description: 'How the applicant is related to the child (when the child is new)' })),
    },
    { additionalProperties: false },
  );

const CreateBody = Type.Object(
  {
    childId: Type.Optional(Type.String({ format: 'uuid', description: 'A child already linked to the guardian (online)' })),
    child: Type.Optional(PersonBody('child')),
    guardian: Type.Optional(PersonBody('guardian')),
    municipalityId: Type.Integer({ minimum: 1 }),
    preferences: Type.Array(Id, { minItems: 1, maxItems: 20, description: 'Kindergarten ids in order of preference' }),
    desiredStartDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
    orientationCode: Type.String({ maxLength: 50 }),
    stayModeCode: Type.String({ maxLength: 50 }),
    benefitCode: Type.Optional(nullableString({ maxLength: 50 })),
    benefitDocument: Type.Optional(nullableString({ maxLength: 300 })),
    consentAlternative: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, description: 'A guardian sends childId or child; an operator sends guardian and child (registration at the desk).' },
);

const Place = Type.Object({ rank: Type.Integer(), organizationId: Id, position: Type.Integer(), ahead: Type.Integer(), total: Type.Integer() });
const ApplicationJson = Type.Object({
  id: Id,
  number: Type.String(),
  status: Status,
  municipalityId: Type.Integer(),
  childId: Id,
  guardianId: Id,
  submittedVia: Type.String(),
  registeredAt: Type.String({ format: 'date-time' }),
  statusChangedAt: Type.String({ format: 'date-time' }),
  decisionDueAt: Type.String({ format: 'date-time' }),
  desiredStartDate: Type.String(),
  orientationCode: Type.String(),
  stayModeCode: Type.String(),
  benefitCode: nullableString(),
  benefitDocument: nullableString(),
  benefitStatus: Type.String(),
  benefitReason: nullableString(),
  consentAlternative: Type.Boolean(),
  version: Type.Integer(),
  preferences: Type.Optional(Type.Array(Type.Object({ rank: Type.Integer(), organizationId: Id, name: Type.String() }))),
  history: Type.Optional(Type.Array(Type.Object({ from: nullableString(), to: Type.String(), at: Type.String({ format: 'date-time' }), reason: Type.String(), by: Type.String() }))),
  queue: Type.Optional(
    Type.Object({ tier: Type.Integer({ description: '0 out of turn, 1 first priority, 2 preferential, 3 general' }), ageGroupCode: nullableString(), inQueue: Type.Boolean(), places: Type.Array(Place) }),
  ),
});
const ListItem = Type.Object({ id: Id, number: Type.String(), status: Status, registeredAt: Type.String({ format: 'date-time' }), municipalityId: Type.Integer(), childId: Id, benefitStatus: Type.String(), ageGroupCode: nullableString() });
const ListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    cursor: Type.Optional(Type.String({ format: 'uuid', description: 'nextCursor of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);
const ListPage = Type.Object({ items: Type.Array(ListItem), nextCursor: nullableString() });
const PreferencesBody = Type.Object({ preferences: Type.Array(Id, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false });
const TransitionBody = Type.Object(
  { to: Type.Union(deskTargets.map((s) => Type.Literal(s))), reason: Type.Optional(Type.String({ maxLength: 500 })), expectedFrom: Type.Optional(Status) },
  { additionalProperties: false },
);
const BenefitBody = Type.Object({ verdict: Type.Union([Type.Literal('verified'), Type.Literal('rejected')]), reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });

function serialize(detail: ApplicationDetail | null, row: ApplicationDetail['application'], queue?: QueuePositionResult | null): Static<typeof ApplicationJson> {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    municipalityId: row.municipalityId,
    childId: row.childId,
    guardianId: row.guardianId,
    submittedVia: row.submittedVia,
    registeredAt: row.registeredAt.toISOString(),
    statusChangedAt: row.statusChangedAt.toISOString(),
    decisionDueAt: row.decisionDueAt.toISOString(),
    desiredStartDate: row.desiredStartDate,
    orientationCode: row.orientationCode,
    stayModeCode: row.stayModeCode,
    benefitCode: row.benefitCode,
    benefitDocument: row.benefitDocument,
    benefitStatus: row.benefitStatus,
    benefitReason: row.benefitReason,
    consentAlternative: row.consentAlternative,
    version: row.version,
    ...(detail
      ? {
          preferences: detail.preferences.map((p) => ({ rank: p.rank, organizationId: p.organizationId, name: p.name })),
          history: detail.history.map((h) => ({ from: h.fromStatus, to: h.toStatus, at: h.changedAt.toISOString(), reason: h.reason, by: h.actorLabel })),
        }
      : {}),
    ...(queue ? { queue: { tier: queue.tier, ageGroupCode: queue.ageGroupCode, inQueue: queue.status === 'inQueue', places: queue.places } } : {}),
  };
}

function personFieldsOfJson(body: Record<string, unknown> | undefined): PersonFields {
  const fields = { ...emptyPersonFields };
  for (const key of personFieldKeys) {
    const v = body?.[key];
    if (typeof v === 'string') fields[key] = v;
  }
  return fields;
}

async function personalData(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  noStore(reply);
}

function registerApplicationApi(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function load(request: FastifyRequest, action: 'read' | 'editPreferences' | 'withdraw' | 'manage'): Promise<ApplicationDetail> {
    requireAccount(request.actor);
    const { id } = request.params as Static<typeof IdParams>;
    const detail = await findApplicationDetail(db, id);
    if (!detail) throw appErrors.notFound();
    authorizeApplication(request.actor, action, detail.access);
    return detail;
  }
  async function fullJson(id: string) {
    const detail = (await findApplicationDetail(db, id))!;
    return serialize(detail, detail.application, await findQueuePosition(db, id));
  }

  app.post(
    '/api/v1/preschool/applications',
    {
      onRequest: personalData,
      schema: {
        tags,
        summary: 'Register a kindergarten application (guardian online, or operator at the desk with the applicant’s identity)',
        description: 'One active application per child: a second one answers 409. A guardian sends childId (a linked child) or child; an operator sends guardian and child.',
        body: CreateBody,
        response: { 201: ApplicationJson, ...problems(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof CreateBody>;
      const actor = request.actor;
      requireAccount(actor);
      const desk = body.guardian !== undefined;
      if (desk ? !can(actor, applicationCreatePolicy, 'registerAtDesk', { municipalityId: body.municipalityId }) : !can(actor, applicationCreatePolicy, 'applyOnline', { municipalityId: body.municipalityId })) {
        throw appErrors.forbidden();
      }
      const child = personFieldsOfJson(body.child as Record<string, unknown> | undefined);
      const guardian = personFieldsOfJson(body.guardian as Record<string, unknown> | undefined);
      if (!desk) child.relation = body.child?.relation ?? '';
      const submission: ApplicationSubmission = {
        childId: desk ? 'new' : (body.childId ?? (body.child ? 'new' : '')),
        child,
        guardian: desk ? { ...guardian, relation: body.guardian?.relation ?? body.child?.relation ?? '' } : null,
        application: {
          municipalityId: String(body.municipalityId),
          preferences: body.preferences,
          desiredStartDate: body.desiredStartDate,
          orientationCode: body.orientationCode,
          stayModeCode: body.stayModeCode,
          benefitCode: body.benefitCode ?? '',
          benefitDocument: body.benefitDocument ?? '',
          consentAlternative: body.consentAlternative ?? false,
        },
      };
      const created = await submitApplication(context, request.auditOrigin, desk ? { kind: 'desk', accountId: actor.accountId } : { kind: 'online', guardianId: actor.personId! }, submission);
      return reply.code(201).header('location', `/api/v1/preschool/applications/${created.id}`).send(await fullJson(created.id));
    },
  );

  app.get(
    '/api/v1/preschool/applications',
    {
      onRequest: personalData,
      schema: {
        tags,
        summary: 'Applications in the caller’s scope, newest first (guardian: their children; operator: their municipality), keyset-paginated',
        querystring: ListQuery,
        response: { 200: ListPage, ...problems(401, 422) },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ListQuery>;
      requireAccount(request.actor);
      const scope = applicationListScope(request.actor, mayUseDesk(request.actor) ? 'desk' : 'own');
      const { items, nextAfter } = await listApplications(db, scope, { status: query.status, after: query.cursor, limit: query.limit ?? 50 });
      if (scope.kind === 'all' || (scope.kind === 'some' && scope.municipalityIds.length > 0)) await recordApplicationListRead(db, request.auditOrigin, items, 'api');
      return {
        items: items.map((i) => ({ id: i.id, number: i.number, status: i.status, registeredAt: i.registeredAt.toISOString(), municipalityId: i.municipalityId, childId: i.childId, benefitStatus: i.benefitStatus, ageGroupCode: i.ageGroupCode })),
        nextCursor: nextAfter,
      };
    },
  );

  app.get(
    '/api/v1/preschool/applications/:id',
    {
      onRequest: personalData,
      schema: { tags, summary: 'One application with its preferences, status history and queue position', params: IdParams, response: { 200: ApplicationJson, ...problems(401, 404) } },
    },
    async (request) => {
      const detail = await load(request, 'read');
      if (isStaff(request.actor) && canApplication(request.actor, 'manage', detail.access)) await recordApplicationRead(db, request.auditOrigin, detail, 'api');
      return serialize(detail, detail.application, await findQueuePosition(db, detail.application.id));
    },
  );

  app.patch(
    '/api/v1/preschool/applications/:id/preferences',
    {
      onRequest: personalData,
      schema: {
        tags,
        summary: 'Replace the preferred kindergartens, in order (the registration time is kept; only while active and no place is offered)',
        params: IdParams,
        body: PreferencesBody,
        response: { 200: ApplicationJson, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof PreferencesBody>;
      const detail = await load(request, 'editPreferences');
      await updatePreferences(context, request.auditOrigin, detail.application.id, body.preferences);
      return fullJson(detail.application.id);
    },
  );

  app.post(
    '/api/v1/preschool/applications/:id/withdraw',
    {
      onRequest: personalData,
      schema: { tags, summary: 'Withdraw an application (→ removed, reason "отозвано заявителем")', params: IdParams, response: { 200: ApplicationJson, ...problems(401, 403, 404, 409) } },
    },
    async (request) => {
      const detail = await load(request, 'withdraw');
      await withdrawApplication(context, request.auditOrigin, detail.application.id);
      return fullJson(detail.application.id);
    },
  );

  app.post(
    '/api/v1/preschool/applications/:id/transitions',
    {
      onRequest: personalData,
      schema: {
        tags,
        summary: 'Operator: change the status (documents checked, in queue, suspend, resume to the status before suspension, remove); 409 when the state machine refuses',
        params: IdParams,
        body: TransitionBody,
        response: { 200: ApplicationJson, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof TransitionBody>;
      const detail = await load(request, 'manage');
      await deskTransition(context, request.auditOrigin, detail.application.id, { to: body.to, reason: body.reason ?? '', expectedFrom: body.expectedFrom });
      return fullJson(detail.application.id);
    },
  );

  app.post(
    '/api/v1/preschool/applications/:id/benefit',
    {
      onRequest: personalData,
      schema: {
        tags,
        summary: 'Operator: verify or reject the claimed benefit (a reason is required to reject); the guardian is notified',
        params: IdParams,
        body: BenefitBody,
        response: { 200: ApplicationJson, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof BenefitBody>;
      const detail = await load(request, 'manage');
      await decideBenefit(context, request.auditOrigin, detail.application.id, { verdict: body.verdict, reason: body.reason ?? '' });
      return fullJson(detail.application.id);
    },
  );

  app.get(
    '/api/v1/preschool/applications/:id/duplicates',
    {
      onRequest: personalData,
      schema: {
        tags,
        summary: 'Operator: probable duplicates (same child, birth certificate or SNILS; same name and birth date ignoring ё/е and case)',
        params: IdParams,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ applicationId: Id, number: Type.String(), status: Status, municipalityId: Type.Integer(), registeredAt: Type.String({ format: 'date-time' }), reasons: Type.Array(Type.String()) })),
          }),
          ...problems(401, 403, 404),
        },
      },
    },
    async (request) => {
      const detail = await load(request, 'manage');
      const items = await findProbableDuplicates(db, detail.application.id);
      return { items: items.map((d) => ({ ...d, registeredAt: d.registeredAt.toISOString() })) };
    },
  );
}
