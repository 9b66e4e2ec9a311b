/** The diary's private calendar feeds and guardians' notice preferences (migration 0022). */
import { boolean, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const diaryFeed = pgTable('diary_feed', {
  id: uuid('id').primaryKey().defaultRandom(),
  pupilId: uuid('pupil_id').notNull(),
  ownerPersonId: uuid('owner_person_id').notNull(),
  /** SHA-256 of the token in the URL (tokenDigest); the token itself is never stored. */
  tokenDigest: text('token_digest').notNull(),
  createdAt: timestamp('created_at', tz).notNull(),
  revokedAt: timestamp('revoked_at', tz),
});

export const diaryNoticePreference = pgTable(
  'diary_notice_preference',
  {
    guardianId: uuid('guardian_id').notNull(),
    pupilId: uuid('pupil_id').notNull(),
    marks: boolean('marks').notNull().default(false),
    absences: boolean('absences').notNull().default(false),
    updatedAt: timestamp('updated_at', tz).notNull(),
  },
  (t) => [primaryKey({ columns: [t.guardianId, t.pupilId] })],
);

export const diaryNoticeCursor = pgTable('diary_notice_cursor', {
  id: smallint('id').primaryKey(),
  scannedUntil: timestamp('scanned_until', tz).notNull(),
});
