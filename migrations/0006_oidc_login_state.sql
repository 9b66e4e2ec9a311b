-- A login through the external OpenID Connect provider in progress: between the redirect to
-- the provider and its callback. Kept in the database (not in process memory) so the callback
-- may land on any app process. The browser holds the state itself in a short-lived HttpOnly
-- cookie; this row holds the PKCE verifier and the nonce that must never leave the server.
CREATE TABLE oidc_login_state (
  -- SHA-256 (hex) of the random state value
  state_hash text PRIMARY KEY,
  code_verifier text NOT NULL,
  nonce text NOT NULL,
  -- a local path to return to after the login
  return_to text NOT NULL CHECK (return_to LIKE '/%'),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX oidc_login_state_expires ON oidc_login_state (expires_at);
