package io.visionhub.ledger;

/** Proof that a record is durable: its position in the Merkle log and its RFC 6962 leaf hash (hex). */
public record LedgerReceipt(long sequence, String leafHash) {}
