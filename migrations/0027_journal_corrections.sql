-- Corrections of a closed year's journal cover marks, attendance and term/year finals (issue 5 §8;
-- letter АП-147/07). Each row now says what it corrected (the class, the pupil), the value before
-- and after, and who (the name as shown at the time), so the head's list of corrections reads
-- without the audit log and the archive can tell which class PDFs were made before a correction.
ALTER TABLE journal_correction
  ADD COLUMN class_id uuid REFERENCES school_class (id),
  ADD COLUMN pupil_id uuid REFERENCES person (id),
  ADD COLUMN before jsonb,
  ADD COLUMN after jsonb,
  ADD COLUMN actor_label text NOT NULL DEFAULT '',
  ADD CONSTRAINT journal_correction_entity CHECK (entity IN ('mark', 'attendance', 'final'));

-- The year's list, newest first, keyset-paginated by id; the archive asks per class.
CREATE INDEX journal_correction_year_id ON journal_correction (year_id, id);
CREATE INDEX journal_correction_class ON journal_correction (class_id, at);
