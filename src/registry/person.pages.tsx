/**
 * Staff pages of the people registry (/people…) and a family's own view (/people/mine).
 * Each handler: validate → authenticate → load → authorize (person.policy.ts) → service →
 * render. Every staff read of a record, and every list shown to staff, is audited.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, isStaff, scopeFilter, type Actor } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { translate, type Message } from '../platform/i18n/i18n.ts';
import type { SelectOption } from '../web/components.tsx';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import {
  authorizePerson,
  canPerson,
  isStaffRead,
  mayCreateSomePerson,
  movesOutOfReach,
  personPlacementPolicy,
  personReadScope,
  staffingPolicy,
  type PersonAccessFacts,
} from './person.policy.ts';
import {
  createPerson,
  DuplicatePersonError,
  findPersonAccess,
  findPersonRecord,
  findStaffingTarget,
  guardianNotFound,
  isGuardianRelation,
  isUuid,
  linkGuardian,
  listOwnPeople,
  listPeople,
  organizationChoices,
  parsePersonInput,
  parseStaffInput,
  personFieldLabels,
  personFormValues,
  placementErrors,
  recordPeopleListRead,
  recordPersonRead,
  regionToday,
  removeStaffMembership,
  resolvePersonReference,
  setStaffMembership,
  stalePersonVersionMessage,
  updatePerson,
  type PersonFormValues,
  type PersonInput,
  type PersonRecord,
} from './person.service.ts';
import { listMunicipalities } from './region.service.ts';
import { PersonCardView } from './views/person-card.tsx';
import { PersonFormView } from './views/person-form.tsx';
import { fullName, OwnPeopleView, PersonListView } from './views/person-list.tsx';

export const PEOPLE_PAGE_SIZE = 50;

const editorRoles = ['organizationHead', 'municipalOperator', 'regionalAdmin'] as const;

function requireAccount(actor: Actor): asserts actor is Extract<Actor, { kind: 'account' }> {
  if (actor.kind !== 'account') throw errors.unauthenticated();
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

const personFieldNames: Array<keyof PersonInput> = [
  'lastName',
  'firstName',
  'middleName',
  'birthDate',
  'sex',
  'snils',
  'birthCertificateSeries',
  'birthCertificateNumber',
  'passportSeries',
  'passportNumber',
  'phone',
  'email',
  'municipalityId',
  'organizationId',
];

function formValuesOf(body: unknown): PersonFormValues {
  const record = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(personFieldNames.map((name) => [name, stringField(record, name)])) as PersonFormValues;
}

const savedNotices: Record<string, Message> = {
  created: { ru: 'Запись создана', en: 'The record was created' },
  updated: { ru: 'Изменения сохранены', en: 'Changes saved' },
  guardian: { ru: 'Законный представитель привязан', en: 'The guardian was linked' },
  staff: { ru: 'Место работы сохранено', en: 'Employment saved' },
  'staff-removed': { ru: 'Место работы удалено', en: 'Employment removed' },
};

export function registerPersonPages(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const hidden = { schema: { hide: true } };

  async function municipalityOptions(request: FastifyRequest, onlyPlaceable: boolean): Promise<SelectOption[]> {
    const all = await listMunicipalities(db);
    const reach = scopeFilter(request.actor, editorRoles);
    // Operators place records only in their municipalities; heads and the region anywhere.
    const limited =
      onlyPlaceable && reach.kind === 'some' && reach.organizationIds.length === 0
        ? all.filter((m) => reach.municipalityIds.includes(m.id))
        : all;
    return limited.map((m) => ({ value: String(m.id), label: translate(request.locale, { ru: m.nameRu, en: m.nameEn }) }));
  }

  async function organizationOptions(request: FastifyRequest, current: { id: string | null; name: string | null } = { id: null, name: null }): Promise<SelectOption[] | null> {
    const choices = await organizationChoices(db, scopeFilter(request.actor, editorRoles));
    if (!choices) return null;
    const options = choices.map((c) => ({ value: c.id, label: c.name }));
    if (current.id && !options.some((o) => o.value === current.id)) options.unshift({ value: current.id, label: current.name ?? current.id });
    return options;
  }

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    mode: { kind: 'create' } | { kind: 'edit'; record: PersonRecord },
    values: PersonFormValues,
    fieldErrors: FieldErrors,
    status = 200,
    conflict: { message: Message; differences: Array<[string, string]> } | null = null,
  ) {
    const heading: Message =
      mode.kind === 'create' ? { ru: 'Новая запись о человеке', en: 'New person record' } : { ru: 'Изменение записи', en: 'Edit record' };
    const current = mode.kind === 'edit' ? { id: mode.record.person.organizationId, name: mode.record.organizationName } : undefined;
    return sendPage(
      request,
      reply,
      translate(request.locale, heading),
      <PersonFormView
        heading={heading}
        action={mode.kind === 'create' ? '/people' : `/people/${mode.record.person.id}/edit`}
        submitLabel={mode.kind === 'create' ? { ru: 'Создать запись', en: 'Create record' } : { ru: 'Сохранить', en: 'Save' }}
        values={values}
        errors={fieldErrors}
        municipalities={await municipalityOptions(request, mode.kind === 'create')}
        organizations={await organizationOptions(request, current)}
        cancelHref={mode.kind === 'create' ? '/people' : `/people/${mode.record.person.id}`}
        version={mode.kind === 'edit' ? mode.record.person.version : undefined}
        conflict={conflict}
      />,
      status,
    );
  }

  /** Renders a card; a staff read is audited before the page leaves the server. */
  async function showCard(
    request: FastifyRequest,
    reply: FastifyReply,
    record: PersonRecord,
    forms: { guardian?: { values: Record<string, string>; errors: FieldErrors }; staff?: { values: Record<string, string>; errors: FieldErrors } } = {},
    status = 200,
  ) {
    const actor = request.actor;
    if (isStaffRead(actor, record.access)) await recordPersonRead(db, request.auditOrigin, record.access, 'page');
    const canManageStaff = canPerson(actor, 'read', record.access) && mayCreateSomePerson(actor);
    const removableStaff = record.staff
      .filter((s) => can(actor, staffingPolicy, 'manage', { organizationId: s.organizationId, municipalityId: s.organizationMunicipalityId }))
      .map((s) => s.organizationId);
    const notice = savedNotices[String((request.query as Record<string, unknown>).saved ?? '')] ?? null;
    return sendPage(
      request,
      reply,
      fullName(record.person),
      <PersonCardView
        record={record}
        canUpdate={canPerson(actor, 'update', record.access)}
        canLinkGuardian={canPerson(actor, 'linkGuardian', record.access)}
        canManageStaff={canManageStaff}
        staffOrganizations={canManageStaff ? await organizationOptions(request) : []}
        removableStaff={removableStaff}
        guardianForm={forms.guardian ?? { values: {}, errors: {} }}
        staffForm={forms.staff ?? { values: {}, errors: {} }}
        notice={status === 200 ? notice : null}
      />,
      status,
    );
  }

  async function loadRecord(request: FastifyRequest, action: 'read' | 'update' | 'linkGuardian'): Promise<PersonRecord> {
    requireAccount(request.actor);
    const id = (request.params as { id: string }).id;
    const record = isUuid(id) ? await findPersonRecord(db, id.toLowerCase()) : null;
    if (!record) throw errors.notFound();
    authorizePerson(request.actor, action, record.access);
    return record;
  }

  const municipalityTextOf = (value: unknown): string => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? value : '');
  const afterOf = (value: unknown): string | undefined => (typeof value === 'string' && isUuid(value) ? value.toLowerCase() : undefined);

  /** A browsing URL: the municipality filter and the keyset cursor only — both carry no personal data. */
  const browseHref = (municipalityText: string, after?: string): string => {
    const search = new URLSearchParams();
    if (municipalityText) search.set('municipalityId', municipalityText);
    if (after) search.set('after', after);
    const text = search.toString();
    return text ? `/people?${text}` : '/people';
  };

  /** One page of the list (browsing, or the results of a search); a page read by staff is audited. */
  async function showList(request: FastifyRequest, reply: FastifyReply, filter: { q: string; municipalityText: string; after?: string }) {
    requireAccount(request.actor);
    const { items, nextAfter } = await listPeople(db, personReadScope(request.actor), {
      q: filter.q,
      municipalityId: filter.municipalityText ? Number(filter.municipalityText) : undefined,
      after: filter.after,
      limit: PEOPLE_PAGE_SIZE,
    });
    if (isStaff(request.actor)) await recordPeopleListRead(db, request.auditOrigin, items, 'page');
    return sendPage(
      request,
      reply,
      translate(request.locale, filter.q ? { ru: 'Люди — результаты поиска', en: 'People — search results' } : { ru: 'Люди', en: 'People' }),
      <PersonListView
        items={items}
        q={filter.q}
        municipalityId={filter.municipalityText}
        municipalities={await municipalityOptions(request, false)}
        paging={
          filter.q
            ? { kind: 'search', nextAfter }
            : {
                kind: 'browse',
                nextHref: nextAfter ? browseHref(filter.municipalityText, nextAfter) : null,
                firstHref: filter.after ? browseHref(filter.municipalityText) : null,
              }
        }
        canCreate={mayCreateSomePerson(request.actor)}
      />,
    );
  }

  // Browsing: the URL carries only the municipality filter and the cursor. A `q` left in an old
  // bookmark is ignored on purpose — a search term (a name, a document number) must never be in a
  // URL, where browser history, proxy logs and Referer headers would keep it (DESIGN.md,
  // "Security by default"); searches are posted to /people/search instead.
  app.get('/people', hidden, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    return showList(request, reply, { q: '', municipalityText: municipalityTextOf(query.municipalityId), after: afterOf(query.after) });
  });

  // Search: the term travels in the body of a CSRF-checked POST and the results are rendered in
  // the answer itself (200, no redirect), so the term never enters a URL. The next page is again a
  // POST carrying the term and the cursor as hidden fields. Without a term there is nothing
  // personal to hide: the browser is sent to the plain (bookmarkable) list.
  app.post('/people/search', hidden, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const q = stringField(body, 'q').trim().slice(0, 200);
    const municipalityText = municipalityTextOf(body.municipalityId);
    requireAccount(request.actor);
    if (!q) return redirectAfterPost(reply, browseHref(municipalityText));
    return showList(request, reply, { q, municipalityText, after: afterOf(body.after) });
  });

  // Where a search page sends the browser back to by GET (the language switch, a reload after
  // logging in again): the term is not in the URL, so the plain list is the honest answer.
  app.get('/people/search', hidden, async (_request, reply) => reply.redirect('/people', 303));

  app.get('/people/mine', hidden, async (request, reply) => {
    requireAccount(request.actor);
    const personId = request.actor.personId;
    const own = personId ? await listOwnPeople(db, personId) : { self: null, children: [] };
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Мои данные и дети', en: 'My record and children' }),
      <OwnPeopleView self={own.self} children={own.children} linked={personId !== null} />,
    );
  });

  app.get('/people/new', hidden, async (request, reply) => {
    requireAccount(request.actor);
    if (!mayCreateSomePerson(request.actor)) throw errors.forbidden();
    const reach = scopeFilter(request.actor, editorRoles);
    const values: PersonFormValues = {};
    if (reach.kind === 'some' && reach.municipalityIds.length === 1) values.municipalityId = String(reach.municipalityIds[0]);
    if (reach.kind === 'some' && reach.organizationIds.length === 1 && reach.municipalityIds.length === 0) values.organizationId = reach.organizationIds[0];
    return showForm(request, reply, { kind: 'create' }, values, {});
  });

  app.post('/people', hidden, async (request, reply) => {
    const values = formValuesOf(request.body);
    requireAccount(request.actor);
    if (!mayCreateSomePerson(request.actor)) throw errors.forbidden();
    const parsed = parsePersonInput(values, regionToday(context.clock));
    if (!parsed.ok) return showForm(request, reply, { kind: 'create' }, values, parsed.errors, 422);
    if (!can(request.actor, personPlacementPolicy, 'place', parsed.value)) {
      return showForm(request, reply, { kind: 'create' }, values, placementErrors(parsed.value), 422);
    }
    try {
      const id = await createPerson(db, request.auditOrigin, parsed.value, context.clock.now());
      return redirectAfterPost(reply, `/people/${id}?saved=created`);
    } catch (error) {
      if (error instanceof AppError && (error instanceof DuplicatePersonError || error.status === 422)) {
        return showForm(request, reply, { kind: 'create' }, values, error.fields, error.status);
      }
      throw error;
    }
  });

  app.get('/people/:id', hidden, async (request, reply) => {
    const record = await loadRecord(request, 'read');
    return showCard(request, reply, record);
  });

  app.get('/people/:id/edit', hidden, async (request, reply) => {
    const record = await loadRecord(request, 'update');
    // The edit form shows the whole record: a staff read like the card.
    if (isStaffRead(request.actor, record.access)) await recordPersonRead(db, request.auditOrigin, record.access, 'page');
    return showForm(request, reply, { kind: 'edit', record }, personFormValues(record.person), {});
  });

  app.post('/people/:id/edit', hidden, async (request, reply) => {
    const values = formValuesOf(request.body);
    const versionText = stringField((request.body ?? {}) as Record<string, unknown>, 'version');
    const version = /^\d{1,9}$/.test(versionText) ? Number(versionText) : null;
    const record = await loadRecord(request, 'update');
    if (version === null) {
      return showForm(request, reply, { kind: 'edit', record }, values, { version: { ru: 'Форма устарела: откройте её заново', en: 'The form is out of date: open it again' } }, 422);
    }
    const parsed = parsePersonInput(values, regionToday(context.clock));
    if (!parsed.ok) return showForm(request, reply, { kind: 'edit', record }, values, parsed.errors, 422);
    if (movesOutOfReach(request.actor, record.person, parsed.value)) {
      return showForm(request, reply, { kind: 'edit', record }, values, placementErrors(parsed.value), 422);
    }
    try {
      await updatePerson(db, request.auditOrigin, record.person, version, parsed.value, context.clock.now());
      return redirectAfterPost(reply, `/people/${record.person.id}?saved=updated`);
    } catch (error) {
      if (error instanceof AppError && error.code === 'stale-version') {
        // Someone saved first: show what is stored now, keep what this user typed, and let them
        // resubmit knowingly against the new version.
        const fresh = (await findPersonRecord(db, record.person.id)) ?? record;
        const differences = await storedDifferences(request, fresh, parsed.value);
        return showForm(request, reply, { kind: 'edit', record: fresh }, values, {}, 409, { message: stalePersonVersionMessage, differences });
      }
      if (error instanceof AppError && (error instanceof DuplicatePersonError || error.status === 422)) {
        return showForm(request, reply, { kind: 'edit', record }, values, error.fields, error.status);
      }
      throw error;
    }
  });

  /** The stored values (as the staff read them) of the fields where the record differs from what was typed. */
  async function storedDifferences(request: FastifyRequest, stored: PersonRecord, typed: PersonInput): Promise<Array<[string, string]>> {
    const p = stored.person;
    const changed = personFieldNames.filter((f) => p[f] !== typed[f]);
    const municipalities = changed.includes('municipalityId') ? await listMunicipalities(db) : [];
    const shown = (f: keyof PersonInput): string => {
      if (f === 'sex') return translate(request.locale, p.sex === 'female' ? { ru: 'Женский', en: 'Female' } : { ru: 'Мужской', en: 'Male' });
      if (f === 'organizationId') return stored.organizationName ?? p.organizationId ?? '—';
      if (f === 'municipalityId') {
        const m = municipalities.find((x) => x.id === p.municipalityId);
        return m ? translate(request.locale, { ru: m.nameRu, en: m.nameEn }) : String(p.municipalityId);
      }
      return p[f] === null ? '—' : String(p[f]);
    };
    return changed.map((f): [string, string] => [translate(request.locale, personFieldLabels[f]), shown(f)]);
  }

  app.post('/people/:id/guardians', hidden, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = { guardian: stringField(body, 'guardian').trim(), relation: stringField(body, 'relation') };
    const record = await loadRecord(request, 'linkGuardian');
    const fieldErrors: FieldErrors = {};
    if (!isGuardianRelation(values.relation)) fieldErrors.relation = { ru: 'Выберите, кем приходится', en: 'Choose the relation' };
    let guardian: PersonAccessFacts | null = null;
    if (!values.guardian) fieldErrors.guardian = { ru: 'Введите СНИЛС или идентификатор записи', en: 'Enter a SNILS or a record id' };
    else guardian = await readableGuardian(request.actor, values.guardian);
    if (values.guardian && !guardian) fieldErrors.guardian = guardianNotFound;
    if (guardian && guardian.id === record.person.id) fieldErrors.guardian = { ru: 'Человек не может быть своим законным представителем', en: 'A person cannot be their own guardian' };
    if (Object.keys(fieldErrors).length || !guardian || !isGuardianRelation(values.relation)) {
      return showCard(request, reply, record, { guardian: { values, errors: fieldErrors } }, 422);
    }
    await linkGuardian(db, request.auditOrigin, record.access, guardian.id, values.relation);
    return redirectAfterPost(reply, `/people/${record.person.id}?saved=guardian`);
  });

  app.post('/people/:id/staff', hidden, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = { organizationId: stringField(body, 'organizationId').trim(), position: stringField(body, 'position'), hiredOn: stringField(body, 'hiredOn') };
    const record = await loadRecord(request, 'read');
    if (!mayCreateSomePerson(request.actor)) throw errors.forbidden();
    const parsed = parseStaffInput(values, regionToday(context.clock));
    const fieldErrors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    const target = await findStaffingTarget(db, values.organizationId);
    if (!target || !can(request.actor, staffingPolicy, 'manage', target)) {
      fieldErrors.organizationId = { ru: 'Выберите организацию, сотрудниками которой вы управляете', en: 'Choose an organisation whose staff you manage' };
    }
    if (!parsed.ok || !target || Object.keys(fieldErrors).length) {
      return showCard(request, reply, record, { staff: { values, errors: fieldErrors } }, 422);
    }
    await setStaffMembership(db, request.auditOrigin, record.access, target, parsed.value);
    return redirectAfterPost(reply, `/people/${record.person.id}?saved=staff`);
  });

  app.post('/people/:id/staff/remove', hidden, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const record = await loadRecord(request, 'read');
    const target = await findStaffingTarget(db, stringField(body, 'organizationId'));
    if (!target || !record.staff.some((s) => s.organizationId === target.organizationId)) throw errors.notFound();
    if (!can(request.actor, staffingPolicy, 'manage', target)) throw errors.forbidden();
    await removeStaffMembership(db, request.auditOrigin, record.access, target);
    return redirectAfterPost(reply, `/people/${record.person.id}?saved=staff-removed`);
  });

  // A guardian is found only within the actor's own read scope: a SNILS outside it is "not found".
  async function readableGuardian(actor: Actor, reference: string): Promise<PersonAccessFacts | null> {
    const id = await resolvePersonReference(db, reference);
    const facts = id ? await findPersonAccess(db, id) : null;
    return facts && canPerson(actor, 'read', facts) ? facts : null;
  }
}
