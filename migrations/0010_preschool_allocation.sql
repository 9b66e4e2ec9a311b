-- What the kindergarten allocation reads from the registry, as two views. House rule 3 says a
-- domain folder reads another only through its service functions; an allocation reads these
-- facts for every applicant of a municipality at once (150,000 in one query), so the registry's
-- part is published here as read-only views with a fixed shape instead of a per-person call.
-- Append-only: never edit this file after it has landed; add a new migration instead.

-- The birth date of the child of each application (the age group is computed from it).
CREATE VIEW preschool_applicant_child AS
SELECT a.id AS application_id, p.birth_date
FROM preschool_application a
JOIN person p ON p.id = a.child_id;

-- Kindergartens (and schools) attended by a sibling of a child: another child who shares a
-- guardian with it (guardian_link; adopted and children under guardianship are linked the same
-- way) and whose person.organization_id is set. Federal Law 273-FZ art. 67 part 3.1.
CREATE VIEW preschool_sibling_attendance AS
SELECT DISTINCT mine.child_id, sibling.organization_id
FROM guardian_link mine
JOIN guardian_link theirs ON theirs.guardian_id = mine.guardian_id AND theirs.child_id <> mine.child_id
JOIN person sibling ON sibling.id = theirs.child_id
WHERE sibling.organization_id IS NOT NULL;

-- Protocols are listed newest first among committed runs.
CREATE INDEX allocation_run_committed ON allocation_run (committed_at DESC) WHERE status = 'committed';
