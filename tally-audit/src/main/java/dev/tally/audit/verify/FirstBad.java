package dev.tally.audit.verify;

/**
 * The first place a chain stops verifying.
 *
 * @param seq the lowest seq that is missing, altered, inserted or out of place
 * @param reason what is wrong there, for a human
 */
public record FirstBad(long seq, String reason) {
}
