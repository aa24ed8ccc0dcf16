package dev.tally.gateway.auth;

/**
 * Decides whether a presented virtual key may make a call. Implementations look keys up by the
 * SHA-256 of the secret (never keep or log the secret) and slow down repeated failures from
 * one client IP. Blocking (may sleep to slow brute force); call it on a virtual thread.
 * Thread-safe.
 */
public interface Authenticator {

    /**
     * @param presentedSecret the bearer token or x-api-key as sent, or null when absent
     * @param clientIp the client's address (used for brute-force slowdown even when IP logging is off)
     * @return allowed with the key, or denied with the reason; returns after any slowdown delay
     */
    AuthOutcome authenticate(String presentedSecret, String clientIp);

    /**
     * As {@link #authenticate(String, String)} for what a request presented; {@link Credentials.Ambiguous}
     * is denied ({@code auth_failure} / {@code ambiguous_credentials}) and counted like any failure.
     */
    AuthOutcome authenticateCredentials(Credentials presented, String clientIp);
}
