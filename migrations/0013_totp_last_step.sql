-- RFC 6238 §5.2: a one-time password must not be accepted twice. The last time step accepted
-- for an account is remembered; a code of that step or an earlier one is refused.
ALTER TABLE account ADD COLUMN totp_last_step bigint;
