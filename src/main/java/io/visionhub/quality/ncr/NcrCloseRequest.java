package io.visionhub.quality.ncr;

/**
 * {@code POST /api/quality/ncrs/{id}/close}: the closure, e-signed as a disposition is.
 *
 * @param reason   why it is closed (the corrective action taken), up to 2000 characters
 * @param meaning  meaning of the signature, a code of visionhub.ledger.signatures.meanings (e.g. APPROVED)
 * @param password the signer's password, entered again
 */
public record NcrCloseRequest(String reason, String meaning, String password) {}
