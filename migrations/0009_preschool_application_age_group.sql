-- The age group of an application, fixed when it is registered (and when the desired start date
-- changes): age on the reference day (default 1 September) of the desired start year
-- (Order No. 236 of 15.05.2020; the rule itself is preschool_setting's age_reference_*).
-- Stored so that the queue of one kindergarten and age group is an index range, not a
-- computation over every child's birth date.
-- Append-only: never edit this file after it has landed; add a new migration instead.
ALTER TABLE preschool_application ADD COLUMN age_group_code text REFERENCES preschool_age_group (code);

-- The waiting list proper (status inQueue), in registration order within a municipality and
-- age group: what the queue position counts.
CREATE INDEX preschool_application_waiting ON preschool_application (municipality_id, age_group_code, registered_at, id)
  WHERE status = 'inQueue';
