-- Signing lock-out per user (21 CFR 11.300(d)), kept in the database so a restart does not clear it:
-- wrong passwords in a row and, once visionhub.ledger.signatures.max-failures is reached, until when signing is
-- refused. Reset by a correct password. Each refusal is also a SIGNATURE_REFUSED ledger record.
CREATE TABLE signature_lockout (
    user_name    VARCHAR(200) NOT NULL PRIMARY KEY,
    failures     INT          NOT NULL,
    locked_until TIMESTAMP WITH TIME ZONE,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
