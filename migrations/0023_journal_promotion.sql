-- Year-end promotion (перевод в следующий класс, Federal Law 273-FZ art. 58 §§8–9): one order
-- of the school moves its pupils to the next year's classes, keeps some in the same grade
-- (оставлен на повторное обучение) and records the graduates' leaving. The order is of its own
-- kind, and a stay opened for a pupil held back says so.
ALTER TABLE movement_order DROP CONSTRAINT movement_order_kind_check;
ALTER TABLE movement_order ADD CONSTRAINT movement_order_kind_check CHECK (kind IN ('admission', 'transfer', 'leaving', 'promotion'));

ALTER TABLE class_enrolment DROP CONSTRAINT class_enrolment_start_reason_check;
ALTER TABLE class_enrolment ADD CONSTRAINT class_enrolment_start_reason_check
  CHECK (start_reason IN ('admission', 'transferIn', 'transferWithin', 'nextYear', 'repeatYear'));
