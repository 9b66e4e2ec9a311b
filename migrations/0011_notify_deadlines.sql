-- E-mail links and offer-deadline reminders (issue 3, item 5).
-- Append-only: never edit this file after it has landed; add a new migration instead.

-- The path a notice points to, kept apart from the body so the sender can make it an absolute
-- URL of this installation (PUBLIC_URL) when the message goes out.
ALTER TABLE email_message ADD COLUMN link text;

-- A guardian is reminded once per offer that its deadline is near: this row remembers that the
-- reminder went out, so the reminder job can run any number of times.
CREATE TABLE preschool_offer_reminder (
  offer_id uuid PRIMARY KEY REFERENCES preschool_offer (id),
  sent_at timestamptz NOT NULL
);
